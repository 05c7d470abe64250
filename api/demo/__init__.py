"""A deterministic, realistic synthetic Kota Binjai, recorded through the ledger's own validation."""
