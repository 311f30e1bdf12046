"""Who uses graphfraud: users with a role, their Argon2-hashed passwords, signing in.

``roles`` names the roles and what each may do in general; ``passwords``
hashes and checks passwords (argon2-cffi); ``store`` keeps users in the graph
(``:User`` nodes, so a Neo4j deployment shares them like the case trail) and
signs people in. The case workflow's own rules per step (four eyes) are in
:mod:`graphfraud.case.workflow`.
"""
