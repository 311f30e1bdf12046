// title: Far-away cards swiped together, again and again
// title_zh: 多张外地医保卡在同一终端反复集中刷卡
// family: card_lending
// line: collector
// weight: 0.65
// kind: indicator
// from: terminal_sequence
// refine: far_together
// implicates: patients cards providers
// defaults: {min_cards = 3, min_days = 2, max_gap_s = 900}
// python_only: min_cards min_days max_gap_s
// roles: patient=card_holder provider=collection_point
// reason: {n_cards} cards of holders from {n_households} households far from {city} were swiped one after another on terminal {terminal}, together again on {n_days} days; {n_companions} other card(s) swiped in those sessions on most of their days there
// reason_zh: {n_cards} 张来自 {n_households} 户、参保地和常用地均不在{city}的医保卡，在 {n_days} 个不同日期于终端 {terminal} 上接连刷卡；另有 {n_companions} 张医保卡在该机构的多数使用日都出现在这些连续刷卡中
// A collector holding the cards of people who live elsewhere swipes them one after another at
// one counter, session after session. A card is "far" here when the city is neither its holder's
// registered city nor the card's own centre (so residents of a care home, staff at a check-up and
// people who moved are not far where they live). One household counts once (a family on holiday
// is one household), and the same far cards must meet again on another day (a tour group buys
// once). A session is a run of swipes on one terminal each within max_gap_s of the last (a collector
// with a stack of cards may take minutes per card). Sessions are joined through any far card seen in
// them on min_days days (a collector takes a few of his stack each time); the collector's own card and
// cards only ever swiped at his counter join when most of their days there are in those sessions. Rows come from the terminal_sequence candidates,
// refined in graphfraud.detect.refine.
