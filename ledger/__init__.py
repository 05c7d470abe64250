"""Jejak ledger: the HR event catalogue, its rules and the event store.

This package imports only the standard library, `eventsourcing` and
`cryptography` (checked by the import-linter contract in pyproject.toml).
"""
