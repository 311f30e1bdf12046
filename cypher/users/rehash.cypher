// title: Store a renewed hash of the same password (stronger parameters), unless the user changed meanwhile
// why: not an account change (same password, same stamp, no log entry); the stamp condition keeps a password
//      changed between the sign-in and this write from being replaced by the old one.
// mode: write
MATCH (u:User {username: $username})
WHERE u.stamp = $stamp
SET u.password_hash = $password_hash
RETURN u.username AS username
