// title: Pharmacy spending far from the card's own places
// title_zh: 药店消费集中在参保地和常用地以外
// family: pharmacy_cashout
// family_mix: card_lending=0.6 pharmacy_cashout=0.4
// line: displacement
// weight: 0.3
// kind: indicator
// from: impossible_travel
// refine: far_pharmacy
// implicates: patients cards
// peer_place: providers
// defaults: {min_claims = 2, min_share = 0.5}
// python_only: min_claims min_share
// roles: patient=card_holder
// reason: {share:.0%} of card {card}'s pharmacy spending ({n} purchases) is at {provider} in {city}, away from the holder's registered city {home_city} and the card's usual city {centre}
// reason_zh: 医保卡 {card} 的药店消费有 {share:.0%}（{n} 笔）发生在{city}的 {provider}，既不在参保地{home_city}，也不在其常用地{centre}
// Cards whose pharmacy spending concentrates at one pharmacy in a city that is neither the holder's
// registered city nor the card's own centre: the card is drained (or used) where its holder neither
// lives nor is registered. Strength falls with the pharmacy's own share of such cards. A weak line.
