// title: Cards swiped in sequence at one counter
// title_zh: 同一终端连续刷多张卡
// family: card_lending
// weight: 0.35
// kind: link
// refine: sequences
// defaults: {min_cards = 3, max_gap_s = 300}
// python_only: max_gap_s
// roles: patient=card_holder provider=collection_point
// partition: providers
// implicates: patients cards providers
// reason: {n_cards} different cards swiped one after another on terminal {terminal} within {minutes:.0f} minutes
// reason_zh: {n_cards} 张不同的医保卡在 {minutes:.0f} 分钟内于终端 {terminal} 上接连刷卡
// Candidate terminal-days with several distinct cards; graphfraud.detect.motifs keeps the runs
// where consecutive swipes of different cards are at most max_gap_s apart (a collector with a
// stack of cards at the counter).
// A claim settled at exactly 00:00:00 carries a date, not a time of day (an export with dates only): left out.
MATCH (c:Claim)
WHERE c.provider_id >= $part_lo AND c.provider_id <= $part_hi
  AND c.terminal_id IS NOT NULL AND c.ts_epoch % 86400 <> 0
WITH c.terminal_id AS terminal, c.provider_id AS provider, c.ts_epoch / 86400 AS day,
     collect(c.ts_epoch) AS times, collect(c.card_id) AS card_list, collect(c.patient_id) AS patient_list,
     collect(c.claim_id) AS claim_list, count(DISTINCT c.card_id) AS distinct_cards
WHERE distinct_cards >= $min_cards
RETURN terminal, provider, day, times, card_list, patient_list, claim_list
