// title: Key constraints and lookup indexes (Neo4j)
// why: every load MERGEs on these keys; the indexes serve the motif queries' range scans and oversold_item's lookups of a pharmacy's lines and purchases of one item.
CREATE CONSTRAINT patient_id IF NOT EXISTS FOR (n:Patient) REQUIRE n.patient_id IS UNIQUE;
CREATE CONSTRAINT card_id IF NOT EXISTS FOR (n:Card) REQUIRE n.card_id IS UNIQUE;
CREATE CONSTRAINT provider_id IF NOT EXISTS FOR (n:Provider) REQUIRE n.provider_id IS UNIQUE;
CREATE CONSTRAINT doctor_id IF NOT EXISTS FOR (n:Doctor) REQUIRE n.doctor_id IS UNIQUE;
CREATE CONSTRAINT claim_id IF NOT EXISTS FOR (n:Claim) REQUIRE n.claim_id IS UNIQUE;
CREATE CONSTRAINT phone IF NOT EXISTS FOR (n:Phone) REQUIRE n.phone IS UNIQUE;
CREATE CONSTRAINT address IF NOT EXISTS FOR (n:Address) REQUIRE n.address IS UNIQUE;
CREATE CONSTRAINT ring_id IF NOT EXISTS FOR (n:Ring) REQUIRE n.ring_id IS UNIQUE;
CREATE CONSTRAINT case_event_id IF NOT EXISTS FOR (n:CaseEvent) REQUIRE n.event_id IS UNIQUE;
CREATE CONSTRAINT run_id IF NOT EXISTS FOR (n:DetectionRun) REQUIRE n.run_id IS UNIQUE;
CREATE CONSTRAINT inbox_sha256 IF NOT EXISTS FOR (n:InboxFile) REQUIRE n.sha256 IS UNIQUE;
CREATE CONSTRAINT user_name IF NOT EXISTS FOR (n:User) REQUIRE n.username IS UNIQUE;
CREATE CONSTRAINT account_event_id IF NOT EXISTS FOR (n:AccountEvent) REQUIRE n.event_id IS UNIQUE;
CREATE CONSTRAINT load_run_source IF NOT EXISTS FOR (n:LoadRun) REQUIRE n.source IS UNIQUE;
CREATE CONSTRAINT item_code IF NOT EXISTS FOR (n:Item) REQUIRE n.item_code IS UNIQUE;
CREATE CONSTRAINT box_trace_code IF NOT EXISTS FOR (n:Box) REQUIRE n.trace_code IS UNIQUE;
CREATE CONSTRAINT line_key IF NOT EXISTS FOR (n:Line) REQUIRE n.line_key IS UNIQUE;
CREATE CONSTRAINT purchase_key IF NOT EXISTS FOR (n:Purchase) REQUIRE n.purchase_key IS UNIQUE;
CREATE INDEX claim_ts IF NOT EXISTS FOR (n:Claim) ON (n.ts_epoch);
CREATE INDEX claim_visit_type IF NOT EXISTS FOR (n:Claim) ON (n.visit_type);
CREATE INDEX provider_type IF NOT EXISTS FOR (n:Provider) ON (n.type);
CREATE INDEX line_provider_item IF NOT EXISTS FOR (n:Line) ON (n.provider_id, n.item_code);
CREATE INDEX purchase_provider_item IF NOT EXISTS FOR (n:Purchase) ON (n.provider_id, n.item_code);
