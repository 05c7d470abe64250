"""What the proof badge checks in the browser (static/proof.js): an event's canonical bytes (leaf v2), its
inclusion proof and the signed checkpoint it is proved against; and the page where an auditor pins the key.

The server only hands the material over: the browser recomputes the leaf, folds the audit path and
checks the signature against the key the auditor pinned, so a server that lies fails its own badge."""

from __future__ import annotations

import base64
from typing import Any

from flask import jsonify, render_template

from api.bootstrap import services
from api.console.gate import Refused, bp, session, signed_in
from ledger.integrity import leaf_input


def _checkpointer() -> Any:
    svc = services()
    if svc.checkpointer is None:  # services built by hand (tests) get the settings from the environment
        from ledger.integrity.checkpoints import checkpointer_from_env
        svc.checkpointer = checkpointer_from_env(svc.ledger.recorder, svc.url)
    return svc.checkpointer


def canonical(position: int) -> bytes | None:
    """The event's leaf v2 bytes built from its stored row exactly as stored (docs/INTEGRITY.md §1)."""
    notes = services().ledger.recorder.select_notifications(position, 1, stop=position)
    if not notes:
        return None
    n = notes[0]
    return leaf_input(n.id, n.originator_id, n.originator_version, n.topic, n.state)


@bp.get("/bukti/<number>")
@signed_in("auditor")
def proof(number: str):
    """The JSON the badge checks: canonical bytes, inclusion proof, and the checkpoint covering them."""
    if not number.isdigit() or len(number) > 18:
        raise Refused(400, "position", "a ledger position is a whole number from 1",
                      "posisi buku besar adalah bilangan bulat mulai 1")
    position = int(number)
    bytes_ = canonical(position) if position >= 1 else None
    if bytes_ is None:
        raise Refused(404, "position", f"no event at position {position}", f"tidak ada peristiwa di posisi {position}")
    checkpointer = _checkpointer()
    cp = checkpointer.covering(position)
    included = checkpointer.tree.inclusion(position, cp["tree_size"])
    return jsonify({"position": position, "canonical": base64.b64encode(bytes_).decode("ascii"),
                    "inclusion": included,
                    "checkpoint": {k: cp[k] for k in ("tree_size", "root_hash", "issued_at", "key_id",
                                                      "signed_text", "signature")},
                    "note": checkpointer.note_of(cp)})  # the C2SP note with the witnesses' cosignatures


@bp.get("/kunci")
@signed_in("auditor")
def pin_key():
    """Pin the log's public key (PEM, from `jejak signing-key public` or the published copy) in this browser."""
    return render_template("console/pin.html", session=session())
