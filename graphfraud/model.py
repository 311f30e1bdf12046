"""The graph model: node labels with their key and properties, relationship types with their ends.

Both engines build from this one description: the embedded engine turns it
into typed tables, the Neo4j engine into key constraints (see
``cypher/schema/constraints.cypher``) and the loader uses it to pick columns.
Times are stored as epoch seconds next to readable strings, so the same Cypher
compares times on every engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphfraud.vocabulary import MEMBER_KINDS

STRING, INT, FLOAT = "STRING", "INT64", "DOUBLE"


@dataclass(frozen=True)
class NodeType:
    label: str
    key: str
    properties: tuple[tuple[str, str], ...]

    @property
    def columns(self) -> list[str]:
        return [name for name, _ in self.properties]


@dataclass(frozen=True)
class RelType:
    type: str
    ends: tuple[tuple[str, str], ...]  # (from label, to label) pairs
    properties: tuple[tuple[str, str], ...] = ()


NODES: dict[str, NodeType] = {
    n.label: n
    for n in (
        NodeType("Patient", "patient_id", (
            ("patient_id", STRING), ("name", STRING), ("sex", STRING), ("birth_date", STRING),
            ("birth_year", INT), ("phone", STRING), ("address", STRING), ("home_city", STRING),
            ("death_date", STRING), ("death_epoch", INT), ("id_number", STRING),
        )),
        NodeType("Card", "card_id", (("card_id", STRING), ("holder_id", STRING))),
        NodeType("Provider", "provider_id", (
            ("provider_id", STRING), ("name", STRING), ("type", STRING), ("city", STRING),
            ("lat", FLOAT), ("lon", FLOAT),
        )),
        NodeType("Doctor", "doctor_id", (
            ("doctor_id", STRING), ("name", STRING), ("provider_id", STRING), ("specialty", STRING),
        )),
        NodeType("Claim", "claim_id", (
            ("claim_id", STRING), ("patient_id", STRING), ("card_id", STRING), ("provider_id", STRING),
            ("doctor_id", STRING), ("ts", STRING), ("ts_epoch", INT), ("amount", FLOAT),
            ("fund_paid", FLOAT), ("visit_type", STRING), ("diagnosis", STRING),
            ("admit_date", STRING), ("admit_epoch", INT), ("discharge_date", STRING),
            ("discharge_epoch", INT), ("terminal_id", STRING),
        )),
        # Drug-level data (items and purchases): the catalogue entry, the physical box by its traceability code
        # (药品追溯码: one box, one sale), each line of a claim, each purchase. Lines carry their claim's provider,
        # patient, card and time, so motif queries scan lines without hops, as they scan claims.
        NodeType("Item", "item_code", (("item_code", STRING), ("name", STRING))),
        NodeType("Box", "trace_code", (("trace_code", STRING), ("item_code", STRING))),
        NodeType("Line", "line_key", (
            ("line_key", STRING), ("claim_id", STRING), ("line_id", STRING), ("item_code", STRING),
            ("item_name", STRING), ("quantity", FLOAT), ("unit_price", FLOAT), ("amount", FLOAT),
            ("trace_code", STRING), ("split_pack", INT), ("provider_id", STRING), ("patient_id", STRING),
            ("card_id", STRING), ("ts_epoch", INT),
        )),
        NodeType("Purchase", "purchase_key", (
            ("purchase_key", STRING), ("provider_id", STRING), ("item_code", STRING), ("trace_code", STRING),
            ("purchased_at", STRING), ("purchased_epoch", INT), ("quantity", FLOAT), ("supplier", STRING),
            ("purchase_id", STRING),
        )),
        NodeType("Phone", "phone", (("phone", STRING),)),
        NodeType("Address", "address", (("address", STRING),)),
        NodeType("Ring", "ring_id", (
            ("ring_id", STRING), ("patterns", STRING), ("score", FLOAT), ("amount_at_risk", FLOAT),
            ("status", STRING), ("summary", STRING), ("first_seen", STRING), ("last_seen", STRING),
            ("run_id", STRING), ("size", INT), ("details", STRING),
            ("assignee", STRING), ("due", STRING),  # who works the case; the appeal's deadline (ISO date)
            ("expected_false", FLOAT),  # false rings chance gives this strong per run: orders rings of equal score
        )),
        # One scheduled job run (graphfraud job run): what it loaded, found and told; also its resumable state.
        NodeType("DetectionRun", "run_id", (
            ("run_id", STRING), ("started", STRING), ("finished", STRING), ("engine", STRING),
            ("rings", INT), ("outcome", STRING), ("details", STRING),
            ("step", STRING), ("attempts", INT), ("seconds", FLOAT), ("files", INT), ("files_skipped", INT),
            ("files_failed", INT), ("accepted", INT), ("rejected", INT), ("rings_by_status", STRING),
            ("changes", STRING), ("alerts", INT), ("undelivered", INT), ("bundles", INT), ("error", STRING),
            ("delivered", STRING), ("state", STRING), ("snapshot", STRING),
        )),
        # A file taken from a job's inbox, remembered by content, so a re-delivered file is not loaded twice.
        NodeType("InboxFile", "sha256", (
            ("sha256", STRING), ("name", STRING), ("delivery", STRING), ("size", INT), ("status", STRING),
            ("run_id", STRING), ("first_seen", STRING), ("at", STRING), ("reason", STRING),
        )),
        # One load of a folder (graphfraud load, detect --input, a job's delivery), by the folder's path: started,
        # finished or failed. Detection refuses a graph a load did not finish writing (graphfraud.load).
        NodeType("LoadRun", "source", (
            ("source", STRING), ("status", STRING), ("started", STRING), ("finished", STRING), ("error", STRING),
            ("claims", INT),
        )),
        # Someone who signs in to the workbench or acts through the CLI: a role, an Argon2 password hash, and
        # a stamp that changes with the password (ending every session signed in with the old one).
        NodeType("User", "username", (
            ("username", STRING), ("display_name", STRING), ("role", STRING), ("password_hash", STRING),
            ("disabled", INT), ("must_change", INT), ("stamp", STRING), ("created", STRING), ("changed", STRING),
            ("expires", STRING),   # when a one-time password (must_change) stops working; "" for none
        )),
        # One change to the accounts (created, disabled, enabled, role changed, password reset or changed): who
        # did it to whom, when. Created, never edited or deleted; it never holds a password or a hash.
        NodeType("AccountEvent", "event_id", (
            ("event_id", STRING), ("at", STRING), ("actor", STRING), ("action", STRING), ("target", STRING),
            ("detail", STRING),
        )),
        # One step of a ring's case trail (new → 初审 → 复审 → … → 移送); created, never edited.
        NodeType("CaseEvent", "event_id", (
            ("event_id", STRING), ("ring_id", STRING), ("seq", INT), ("action", STRING),
            ("from_status", STRING), ("to_status", STRING), ("actor", STRING), ("at", STRING),
            ("note", STRING), ("details", STRING),
        )),
    )
}

MEMBER_ENDS = tuple((kind.label, "Ring") for kind in MEMBER_KINDS)

RELS: dict[str, RelType] = {
    r.type: r
    for r in (
        RelType("HOLDS", (("Patient", "Card"),)),
        RelType("PAID", (("Card", "Claim"),)),
        RelType("FOR", (("Claim", "Patient"),)),
        RelType("AT", (("Claim", "Provider"),)),
        RelType("BY", (("Claim", "Doctor"),)),
        RelType("WORKS_AT", (("Doctor", "Provider"),)),
        RelType("HAS_PHONE", (("Patient", "Phone"),)),
        RelType("LIVES_AT", (("Patient", "Address"),)),
        RelType("HAS_LINE", (("Claim", "Line"),)),          # a claim's lines (items)
        RelType("DISPENSED", (("Line", "Box"),)),           # the box a line sold (or took back: a return)
        RelType("OF", (("Box", "Item"),)),                  # what the box holds
        RelType("PURCHASED", (("Provider", "Purchase"),)),  # what a provider bought in
        RelType("BROUGHT_IN", (("Purchase", "Box"),)),      # the box a purchase brought in
        RelType("MEMBER_OF", MEMBER_ENDS, (("role", STRING),)),
        RelType("HAS_EVENT", (("Ring", "CaseEvent"),)),
    )
}

# Nodes created once and never changed, each written together with its links (a settlement, a line of it, a
# purchase): the engines compare only their keys with what is stored.
IMMUTABLE = ("Claim", "Line", "Purchase")

# Provider type → the extra Neo4j label Browser/Bloom users style and filter by
# (set by cypher/load/provider*.cypher and by the bulk import's :LABEL column).
PROVIDER_TYPE_LABELS = {"pharmacy": "Pharmacy", "hospital": "Hospital", "clinic": "Clinic"}
