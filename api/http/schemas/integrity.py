"""The integrity answers' schemas: a signed checkpoint, inclusion and consistency proofs, the public keys."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

HEX = validate.Regexp(r"^[0-9a-f]{64}$")


def _hash(description: str) -> fields.String:
    return fields.String(required=True, validate=HEX, metadata={"description": description})


class Checkpoint(Schema):
    tree_size = fields.Integer(required=True, validate=validate.Range(0))
    root_hash = _hash("RFC 6962 root of the first tree_size leaves, hex")
    issued_at = fields.String(required=True, metadata={"format": "date-time"})
    key_id = fields.String(required=True)
    signed_text = fields.String(required=True, metadata={
        "description": "exactly jejak-checkpoint/v1\\n<tree_size>\\n<root_hash hex>\\n<issued_at>\\n (UTF-8)"})
    signature = fields.String(required=True, metadata={"description": "Ed25519 signature of signed_text, base64"})
    note = fields.String(required=True, allow_none=True, metadata={
        "description": "the C2SP signed note (c2sp.org/tlog-checkpoint) with the log's signature and every witness "
                       "cosignature; null for a checkpoint signed before notes existed"})


class InclusionProof(Schema):
    leaf_index = fields.Integer(required=True, validate=validate.Range(0), metadata={"description": "position - 1"})
    tree_size = fields.Integer(required=True, validate=validate.Range(1))
    leaf_hash = _hash("SHA-256(0x00 || canonical bytes), hex")
    audit_path = fields.List(fields.String(validate=HEX), required=True, metadata={
        "description": "RFC 9162 inclusion path, leaf to root, hex"})


class ConsistencyProof(Schema):
    first = fields.Integer(required=True, validate=validate.Range(0))
    second = fields.Integer(required=True, validate=validate.Range(0))
    proof = fields.List(fields.String(validate=HEX), required=True, metadata={
        "description": "RFC 9162 consistency proof, hex"})


class PublicKey(Schema):
    key_id = fields.String(required=True)
    public_key = fields.String(required=True, metadata={"description": "Ed25519 public key, PEM"})
    created_at = fields.String(required=True, allow_none=True)
    current = fields.Boolean(required=True, metadata={"description": "the key signing checkpoints now"})
    vkey = fields.String(required=True, metadata={
        "description": "C2SP note verifier key: <name>+<hex key id>+<base64(0x01 || public key)>"})


class PublicKeys(Schema):
    key_id = fields.String(required=True, allow_none=True, metadata={"description": "the current key's"})
    public_key = fields.String(required=True, allow_none=True)
    vkey = fields.String(required=True, allow_none=True)
    items = fields.List(fields.Nested(PublicKey), required=True)
