// title: Care that does not fit the holder
// title_zh: 诊疗与持卡人不符（人证不符）
// family: card_lending
// weight: 0.7
// kind: indicator
// line: misfit
// defaults: {pregnancy = ["O80", "O26"], max_pregnancy_age = 55, newborn = ["P07"]}
// roles: patient=card_holder
// implicates: patients cards
// links: providers
// reason: card {card} paid for {diagnosis} but the patient it was claimed for ({holder}) is {sex}, aged at least {age}
// reason_zh: 医保卡 {card} 支付了 {diagnosis} 的诊疗，但结算记录中的就诊人（{holder}）为{sex_zh}性、至少 {age} 岁
// The care is checked against the claim's own patient: under 家庭共济 a holder's card legally pays for
// relatives (a wife's obstetric care on her husband's card is not misfit care).
// Diagnoses the card holder cannot have (childbirth on a man's card, prostate care on a
// woman's, neonatal care on an adult's): someone else is being treated on the card (人证不符).
// Ages are the least the patient can be (the claim's year minus the birth year, less one: a birthday
// not yet reached), so a woman of 55 is never flagged for pregnancy care as "56".
// why: one path from the holder to the claim, the diagnosis tested on the way; at 10^7 claims the embedded
//      engine runs it in 2.8 GiB, where filtering the claims first and joining them to their cards took 5.3 GiB.
MATCH (k:Card)-[:PAID]->(c:Claim)-[:`FOR`]->(p:Patient)
WHERE c.diagnosis IS NOT NULL
WITH p, k, c, left(c.diagnosis, 3) AS category, (c.ts_epoch / 31557600 + 1970) - p.birth_year - 1 AS age
WHERE (category IN $female_only AND p.sex = 'M')
   OR (category IN $male_only AND p.sex = 'F')
   OR (category IN $pregnancy AND age > $max_pregnancy_age)
   OR (category IN $newborn AND age > 1)
MATCH (c)-[:AT]->(v:Provider)
RETURN k.card_id AS card, p.patient_id AS holder, c.diagnosis AS diagnosis, p.sex AS sex, age,
       [p.patient_id] AS patients, [k.card_id] AS cards, [v.provider_id] AS providers,
       [c.doctor_id] AS doctors, [c.claim_id] AS claims
