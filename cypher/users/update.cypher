// title: Replace one user's changeable fields (role, name, password hash, disabled, must-change, stamp)
// mode: write
MATCH (u:User {username: $username})
SET u.display_name = $display_name, u.role = $role, u.password_hash = $password_hash, u.disabled = $disabled,
    u.must_change = $must_change, u.stamp = $stamp, u.changed = $at
RETURN u.username AS username
