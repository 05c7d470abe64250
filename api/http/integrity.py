"""Integrity endpoints: signed checkpoints, inclusion and consistency proofs, public keys, bundles."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from marshmallow import fields, validate

from api.http.access import note_access
from api.http.auth import require_role
from api.bootstrap import services
from api.http.describe import operation
from api.http.schemas import Args, Checkpoint, ConsistencyProof, InclusionProof, Moment, PublicKeys, load_args
from ledger.integrity.bundle import stream as stream_bundle
from ledger.errors import NotFound
from ledger.integrity import utc_text

bp = Blueprint("integrity", __name__)
POSITION = validate.Range(0, 2**62)


class InclusionArgs(Args):
    position = fields.Integer(required=True, validate=validate.Range(1, 2**62))
    tree_size = fields.Integer(validate=POSITION, metadata={"description": "default: the latest checkpoint's"})


class ConsistencyArgs(Args):
    first = fields.Integer(required=True, validate=POSITION)
    second = fields.Integer(validate=POSITION, metadata={"description": "default: the latest checkpoint's"})


class ExportArgs(Args):
    subject = fields.String(validate=validate.Length(1, 64))
    since = Moment()
    until = Moment()


def _checkpointer() -> Any:
    svc = services()
    if svc.checkpointer is None:  # services built by hand (tests) get the settings from the environment
        from ledger.integrity.checkpoints import checkpointer_from_env
        svc.checkpointer = checkpointer_from_env(svc.ledger.recorder, svc.url)
    return svc.checkpointer


def _tree(size: int | None) -> Any:
    """The tree to prove from: the replica's when it holds `size` leaves (its whole tree when None), else the
    primary's (a checkpoint just signed on the primary may reach past what the replica has replayed)."""
    from api import reads
    from ledger.integrity.tree import StoredTree

    svc = services()
    reader = svc.reader()
    if reader is not svc.ledger:
        tree = StoredTree(reader.recorder)
        try:
            if size is None or tree.size() >= size:
                return tree
        except Exception as exc:
            if not svc.replica.failed(exc):  # a failing replica gives way to the primary, like every read
                raise
        reads.note_primary("events", svc.ledger)
    return _checkpointer().tree


def _signed_size(at_least: int) -> int:
    """The latest checkpoint's tree size, signing a new checkpoint when it does not reach `at_least`."""
    return _checkpointer().covering(at_least)["tree_size"]


@bp.get("/v1/ledger/checkpoint")
@require_role("auditor")
def checkpoint():
    """The latest signed checkpoint (one is signed now if there is none yet)."""
    checkpointer = _checkpointer()
    cp = checkpointer.latest() or checkpointer.issue()
    return {**cp, "note": checkpointer.note_of(cp)}


@bp.get("/v1/public/checkpoint")
def public_checkpoint():
    """The latest checkpoint as a C2SP signed note with its witness cosignatures, for anyone: a tree
    size and a root reveal nothing personal, and witnesses and monitors need no token."""
    checkpointer = _checkpointer()
    cp = checkpointer.latest()
    text = checkpointer.note_of(cp) if cp else None
    if text is None:
        raise NotFound("checkpoint: none signed as a note yet; an auditor's GET /v1/ledger/checkpoint signs one",
                       field="checkpoint")
    return Response(text, mimetype="text/plain", headers={"Cache-Control": "no-cache",
                                                          "X-Content-Type-Options": "nosniff"})


@bp.get("/v1/ledger/proof/inclusion")
@require_role("auditor")
def inclusion():
    """Inclusion proof of the event at `position` in the tree of `tree_size` events."""
    args = load_args(InclusionArgs, request.args)
    position = args["position"]
    current = _tree(None).size()
    if position > current:
        current = _checkpointer().tree.size()  # the replica may lag: only the primary may say it is not there
    if position > current:
        raise NotFound(f"position: no event at position {position}; the ledger has {current}", field="position")
    size = args.get("tree_size")
    size = _signed_size(position) if size is None else size
    return _tree(size).inclusion(position, size)


@bp.get("/v1/public/proof/inclusion")
def public_inclusion():
    """Inclusion proof of a public release's event (`position` from GET /v1/public/releases), for anyone.
    Only release events: a leaf hash of any other event could confirm a guess about a person's record."""
    from projections import queries

    args = load_args(InclusionArgs, request.args)
    if not queries.is_release_position(services().read_models(), args["position"]):
        raise NotFound(f"position: no public release recorded at position {args['position']}", field="position")
    return _inclusion(args)


def _inclusion(args: dict[str, Any]) -> Any:
    position, size = args["position"], args.get("tree_size")
    size = _signed_size(position) if size is None else size
    return _tree(size).inclusion(position, size)


@bp.get("/v1/ledger/proof/consistency")
@require_role("auditor")
def consistency():
    """Consistency proof that the tree of `first` events is a prefix of the tree of `second`."""
    args = load_args(ConsistencyArgs, request.args)
    second = args.get("second")
    if second is None:
        second = _signed_size(min(args["first"], _checkpointer().tree.size()))
    return _tree(second).consistency(args["first"], second)


@bp.get("/v1/ledger/public-key")
def public_key():
    """Every checkpoint-signing public key (PEM) with its id; `current` marks the one signing now."""
    keys = _checkpointer().public_keys()
    current = next((k for k in keys if k["current"]), None)
    return {"key_id": current["key_id"] if current else None,
            "public_key": current["public_key"] if current else None,
            "vkey": current["vkey"] if current else None, "items": keys}


@bp.get("/v1/ledger/export")
@require_role("auditor")
def export():
    """A zip bundle of events (all, one `subject`, or recorded `since`..`until`) with proofs to verify offline."""
    args = load_args(ExportArgs, request.args)
    # Streamed as it is made: a whole ledger (1 M events) starts arriving at once instead of after
    # the worker timeout, and no copy of it is held in memory or written to the server's disk whole.
    body = stream_bundle(services().ledger.recorder, _checkpointer(), subject=args.get("subject"),
                         since=utc_text(args["since"]) if args.get("since") else None,
                         until=utc_text(args["until"]) if args.get("until") else None,
                         disclosed=services().ledger.disclosed_for(lambda field: True))  # auditors see every field
    note_access(args.get("subject"), ["bundle"])  # a bundle carries the subject's events unmasked
    return Response(body, mimetype="application/zip",
                    headers={"Content-Disposition": "attachment; filename=jejak-bundle.zip"})


def _openapi() -> dict[str, Any]:
    """The integrity endpoints as the OpenAPI document describes them."""
    auditor = ("auditor", "admin")
    plain = {"Cache-Control": {"schema": {"type": "string"}}}
    return {
        "/v1/ledger/checkpoint": {"get": operation(
            "getCheckpoint", "integrity", "Latest signed checkpoint", {200: Checkpoint}, roles=auditor,
            errors=(404,), description="One is signed now if there is none yet; 404 when no signing key is set up.")},
        "/v1/ledger/proof/inclusion": {"get": operation(
            "getInclusionProof", "integrity", "Inclusion proof (RFC 9162)", {200: InclusionProof}, roles=auditor,
            query=InclusionArgs, errors=(400, 404))},
        "/v1/public/proof/inclusion": {"get": operation(
            "getPublicReleaseInclusionProof", "public", "Inclusion proof (RFC 9162) of a public release's event",
            {200: InclusionProof}, query=InclusionArgs, errors=(400, 404),
            description="Only positions of PublicReleasePublished events (GET /v1/public/releases); 404 otherwise.")},
        "/v1/ledger/proof/consistency": {"get": operation(
            "getConsistencyProof", "integrity", "Consistency proof (RFC 9162)", {200: ConsistencyProof},
            roles=auditor, query=ConsistencyArgs, errors=(400, 404))},
        "/v1/ledger/public-key": {"get": operation(
            "getPublicKeys", "integrity", "Checkpoint verification keys (PEM and C2SP vkey)", {200: PublicKeys})},
        "/v1/public/checkpoint": {"get": operation(
            "getPublicCheckpoint", "public", "The latest checkpoint as a C2SP signed note",
            {200: {"type": "string", "description": "<origin>\\n<tree_size>\\n<base64 root>\\n, an empty line, "
                                                     "then one signature line per signer"}},
            media="text/plain", headers=plain, errors=(404,),
            description="404 until a checkpoint has been signed as a note.")},
        "/v1/ledger/export": {"get": operation(
            "exportBundle", "integrity", "Audit bundle (zip) for offline verification",
            {200: {"type": "string", "contentMediaType": "application/zip"}}, media="application/zip",
            roles=auditor, query=ExportArgs, errors=(400, 404),
            headers={"Content-Disposition": {"schema": {"type": "string"}}})},
    }


OPENAPI_PATHS = _openapi()


@bp.record_once
def _describe(state: Any) -> None:
    state.app.config.setdefault("OPENAPI_PATHS", {}).update(OPENAPI_PATHS)
