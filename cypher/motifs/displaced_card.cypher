// title: Card used far from its own places
// title_zh: 医保卡在参保地和常用地以外就医
// family: card_lending
// line: displacement
// weight: 0.3
// kind: indicator
// from: impossible_travel
// refine: displaced
// implicates: patients cards
// peer_place: providers
// defaults: {min_claims = 2}
// python_only: min_claims
// roles: patient=card_holder
// reason: card {card} (registered in {home_city}, used mostly in {centre}) was used {n} times for care in {city}
// reason_zh: 医保卡 {card}（参保地{home_city}，常用地{centre}）在{city}就医 {n} 次
// A card used repeatedly for hospital or clinic care in a city that is neither its holder's
// registered city nor the city the card is used in most (its own centre). People who live, work,
// study or retire away from where they are registered use their card where they live: that is the
// card's centre, not a departure from it. Pharmacies are the far_pharmacy motif. The row's
// strength falls with the share of the provider's cards that are far from their own places (a
// provincial hospital that treats referrals from the whole province is no evidence of lending).
// Displacement is a weak line: on its own it never makes a patient suspicious.
