"""One module per kind of page: rings (list, ring page, case steps), entities (search, entity page, graph files), assets."""
