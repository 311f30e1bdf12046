"""A ring as a case: the bureaus' review chain, its audit trail, and (later) case bundles."""
