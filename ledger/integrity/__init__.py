"""Tamper evidence: leaves (`leaves`), the Merkle tree and its proofs (`tree`), signed checkpoints
(`checkpoints`), `verify`, audit bundles (`bundle`) and the standalone verifier (`verifier`, which
imports nothing from Jejak). The domain uses only this face: the leaf encoding's helpers below."""

from ledger.integrity.leaves import (leaf_hash, leaf_input, leaf_input_at, leaf_tail, node_hash, parents_completed_by,
                                     stored_event_id, type_name, utc_text)

__all__ = ["leaf_hash", "leaf_input", "leaf_input_at", "leaf_tail", "node_hash", "parents_completed_by",
           "stored_event_id", "type_name", "utc_text"]
