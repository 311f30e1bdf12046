// title: One user by name
MATCH (u:User {username: $username})
RETURN u.username AS username, u.display_name AS display_name, u.role AS role, u.password_hash AS password_hash,
       u.disabled AS disabled, u.must_change AS must_change, u.stamp AS stamp, u.created AS created,
       u.changed AS changed, u.expires AS expires
