// title: Card in two cities in the same weeks
// title_zh: 医保卡同期在两地使用
// family: card_lending
// line: displacement
// weight: 0.3
// kind: indicator
// from: impossible_travel
// refine: two_places
// implicates: patients cards
// peer_place: providers
// defaults: {week_s = 604800, min_claims = 2}
// python_only: week_s min_claims
// roles: patient=card_holder
// reason: card {card} (registered in {home_city}, used mostly in {centre}) was used {n} times at {provider} in {city}, each in the same or a neighbouring week as a use in {centre}
// reason_zh: 医保卡 {card}（参保地{home_city}，常用地{centre}）在{city}的 {provider} 使用 {n} 次，每次都与在常用地{centre}的一次使用处于同一周或相邻一周
// A card that keeps being used at one provider in a city that is neither its registered city nor
// its centre while, in the same weeks, it is used at its centre again: the holder stays home while
// someone else carries the card far away. Going home for the Spring Festival is going to the
// registered city, which is never "far". Weeks are fixed buckets of week_s seconds; "neighbouring"
// is the week before or after. A weak line, strength as for displaced_card.
