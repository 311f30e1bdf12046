// title: Add one user (the caller has checked the name is free; a key constraint refuses a duplicate on both engines)
// mode: write
CREATE (u:User {username: $username, display_name: $display_name, role: $role, password_hash: $password_hash,
                disabled: 0, must_change: $must_change, stamp: $stamp, created: $at, changed: $at})
RETURN u.username AS username
