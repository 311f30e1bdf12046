// title: Every user, by name (the hash comes along for signing in; pages never show it)
MATCH (u:User)
RETURN u.username AS username, u.display_name AS display_name, u.role AS role, u.password_hash AS password_hash,
       u.disabled AS disabled, u.must_change AS must_change, u.stamp AS stamp, u.created AS created,
       u.changed AS changed, u.expires AS expires
ORDER BY username
