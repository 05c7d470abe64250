"""Read models built from the ledger's notification log, exactly once."""
