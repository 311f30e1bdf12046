// title: Replace one user's changeable fields and append the account-log entry for the change (one statement)
// why: written only while the user's stamp is still the one the caller read ($previous), so two admins changing
//      one user at once cannot overwrite each other unseen (no row comes back for the second). The log entry
//      says who changed what, never a password or a hash; entries are created, never edited or deleted.
// mode: write
MATCH (u:User {username: $username})
WHERE u.stamp = $previous
SET u.display_name = $display_name, u.role = $role, u.password_hash = $password_hash, u.disabled = $disabled,
    u.must_change = $must_change, u.stamp = $stamp, u.changed = $at, u.expires = $expires
CREATE (e:AccountEvent {event_id: $event_id, at: $at, actor: $actor, action: $action, target: $username,
                        detail: $detail})
RETURN u.username AS username
