// title: Far-away cards used together on the same days (dates only)
// title_zh: 多张外地医保卡反复在同一天于同一机构使用（仅有日期）
// family: card_lending
// line: collector
// weight: 0.65
// kind: indicator
// from: impossible_travel
// refine: far_same_day
// implicates: patients cards providers
// defaults: {min_cards = 3, min_days = 3, max_p = 1e-06}
// python_only: min_cards min_days max_p
// roles: patient=card_holder provider=collection_point
// reason: {n_cards} cards of holders from {n_households} households far from {city} were used at {provider} on the same days, {n_days} days in all, far more often than chance would put them together
// reason_zh: {n_cards} 张来自 {n_households} 户、参保地和常用地均不在{city}的医保卡，反复在同一天于 {provider} 使用（共 {n_days} 天），远超偶然同日的可能
// far_cards_together for an export that gives dates, not times (a settlement at exactly 00:00:00):
// without the minutes between swipes, a collector's session is a day. Two far cards meeting at one
// provider on d days is held against chance: used there on a and b of the provider's D open days,
// they would share a × b / D days; a pair is kept when d ≥ min_days and the Poisson tail of d is
// below max_p (referral patients at the provincial hospital, each on their own days, share a day now
// and then; a collector's cards share every session). Kept pairs joined: a group of min_cards far
// cards of as many households (a family on holiday is one household) makes a row. Rows come from
// the impossible_travel query (every card's uses), refined in graphfraud.detect.refine.
