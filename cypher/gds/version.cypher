// title: The Graph Data Science version of the server (ask gds/available first: without GDS this does not compile)
RETURN gds.version() AS version
