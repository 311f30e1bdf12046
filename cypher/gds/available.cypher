// title: Whether the server has Graph Data Science: its gds.version function, if installed and allowed
SHOW FUNCTIONS YIELD name
WHERE name = 'gds.version'
RETURN name
