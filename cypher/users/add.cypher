// title: Add one user and the account-log entry that says who added them (one statement: both or neither)
// why: the caller has checked the name is free; a key constraint (Neo4j) or primary key (embedded) refuses a
//      duplicate added at the same moment by another process. The log entry never holds the password or its hash.
// mode: write
CREATE (u:User {username: $username, display_name: $display_name, role: $role, password_hash: $password_hash,
                disabled: 0, must_change: $must_change, stamp: $stamp, created: $at, changed: $at,
                expires: $expires})
CREATE (e:AccountEvent {event_id: $event_id, at: $at, actor: $actor, action: $action, target: $username,
                        detail: $detail})
RETURN u.username AS username
