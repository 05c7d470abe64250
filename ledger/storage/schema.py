"""The ledger's own tables beside the events (`{blob}` and `{without_rowid}` are filled per backend)."""

from __future__ import annotations

LEDGER_TABLES = [
    "CREATE TABLE IF NOT EXISTS jejak_leaves ("
    " position BIGINT PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, stream_id TEXT NOT NULL,"
    " version BIGINT NOT NULL, leaf_hash {blob} NOT NULL)",
    "CREATE UNIQUE INDEX IF NOT EXISTS jejak_leaves_stream_version ON jejak_leaves (stream_id, version)",
    "CREATE TABLE IF NOT EXISTS jejak_nodes ("
    " level INTEGER NOT NULL, idx BIGINT NOT NULL, hash {blob} NOT NULL, PRIMARY KEY (level, idx))",
    "CREATE TABLE IF NOT EXISTS jejak_idempotency ("
    " principal TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, positions TEXT NOT NULL,"
    " PRIMARY KEY (principal, key))",
    "CREATE TABLE IF NOT EXISTS jejak_checkpoints ("
    " tree_size BIGINT NOT NULL, issued_at TEXT NOT NULL, root_hash TEXT NOT NULL, key_id TEXT NOT NULL,"
    " signed_text TEXT NOT NULL, signature TEXT NOT NULL, PRIMARY KEY (tree_size, issued_at))",
    "CREATE TABLE IF NOT EXISTS jejak_signing_keys ("
    " key_id TEXT PRIMARY KEY, public_key TEXT NOT NULL, created_at TEXT NOT NULL,"
    " endorses TEXT NOT NULL, endorsement TEXT NOT NULL)",
    # The C2SP signed note of each checkpoint (c2sp.org/tlog-checkpoint), signed with the same key.
    "CREATE TABLE IF NOT EXISTS jejak_checkpoint_notes ("
    " tree_size BIGINT NOT NULL, issued_at TEXT NOT NULL, note TEXT NOT NULL, PRIMARY KEY (tree_size, issued_at))",
    # Witness cosignature lines (c2sp.org/tlog-cosignature) over a checkpoint's note body.
    "CREATE TABLE IF NOT EXISTS jejak_cosignatures ("
    " tree_size BIGINT NOT NULL, root_hash TEXT NOT NULL, witness TEXT NOT NULL, line TEXT NOT NULL,"
    " received_at TEXT NOT NULL, PRIMARY KEY (tree_size, root_hash, witness))",
    # A rotation endorsed by the key it replaces: the old key signs the new key's id.
    "CREATE TABLE IF NOT EXISTS jejak_key_rotations ("
    " new_key_id TEXT NOT NULL, old_key_id TEXT NOT NULL, created_at TEXT NOT NULL, signature TEXT NOT NULL,"
    " PRIMARY KEY (new_key_id, old_key_id))",
    # Personal values kept apart from the events (ledger.personal): sealed (salt, value) per commitment,
    # deleted by an erasure, which leaves a tombstone naming the erasing event.
    "CREATE TABLE IF NOT EXISTS jejak_disclosures ("
    " commitment TEXT PRIMARY KEY, event_id TEXT NOT NULL, position BIGINT NOT NULL, subject TEXT NOT NULL,"
    " field TEXT NOT NULL, path TEXT NOT NULL, sealed {blob} NOT NULL){without_rowid}",
    "CREATE TABLE IF NOT EXISTS jejak_erasures ("
    " commitment TEXT PRIMARY KEY, erased_by TEXT NOT NULL, erased_at TEXT NOT NULL, event_id TEXT NOT NULL,"
    " subject TEXT NOT NULL, field TEXT NOT NULL, path TEXT NOT NULL){without_rowid}",
    # Who read whom (ledger/storage/access_log.py): hash-chained rows numbered 1, 2, 3, ...
    "CREATE TABLE IF NOT EXISTS jejak_access_log ("
    " id BIGINT PRIMARY KEY, at TEXT NOT NULL, principal TEXT NOT NULL, role TEXT NOT NULL,"
    " subject TEXT NOT NULL, fields TEXT NOT NULL, route TEXT NOT NULL, request_id TEXT NOT NULL,"
    " prev_hash TEXT NOT NULL, row_hash TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS jejak_access_log_subject ON jejak_access_log (subject, id)",
    "CREATE INDEX IF NOT EXISTS jejak_access_log_principal ON jejak_access_log (principal, id)",
    # Every unit name ever registered, normalised (ledger/unit_names.py): a lookalike is refused.
    "CREATE TABLE IF NOT EXISTS jejak_unit_names (normalised TEXT PRIMARY KEY, code TEXT NOT NULL)",
]
