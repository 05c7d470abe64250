"""Jejak's HTTP API, CLI and public portal: composes `ledger` and `projections`."""
