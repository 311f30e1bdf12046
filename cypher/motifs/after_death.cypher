// title: Card used after the holder's death
// title_zh: 参保人死亡后仍在刷卡
// family: card_lending
// weight: 0.95
// kind: indicator
// line: death
// defaults: {grace_days = 3}
// roles: patient=deceased_holder provider=kept_cards doctor=treating_doctor
// implicates: patients cards providers
// reason: card {card} was used {n} times at {provider} after its holder died on {death_date}
// reason_zh: 持卡人已于 {death_date} 死亡，医保卡 {card} 此后仍在 {provider} 使用 {n} 次
// Claims on a dead holder's card: the card was kept and used by someone else (留存社保卡).
// Care that began after the death counts: a hospital stay that began while the holder was alive is
// settled at discharge, which can be days after the death (an inpatient claim counts by its admission).
MATCH (p:Patient)-[:HOLDS]->(k:Card)-[:PAID]->(c:Claim)-[:AT]->(v:Provider)
WHERE p.death_epoch IS NOT NULL AND coalesce(c.admit_epoch, c.ts_epoch) > p.death_epoch + $grace_days * 86400
WITH p, k, v, count(c) AS n, collect(c.claim_id) AS claims, collect(DISTINCT c.doctor_id) AS doctors
RETURN k.card_id AS card, p.patient_id AS holder, p.death_date AS death_date, v.provider_id AS provider, n,
       [p.patient_id] AS patients, [k.card_id] AS cards, [v.provider_id] AS providers, doctors, claims
