"""The c2sp.org/tlog-witness core, its WSGI front and its client (ledger/integrity/witness*.py).

Trees are real RFC 6962 trees built with ledger/integrity/tree.py over leaf hashes; the witness
state is a real file in tmp_path; the HTTP tests run the WSGI app in wsgiref's server on a free
port. Nothing is mocked.
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.error
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.integrity.leaves import leaf_hash
from ledger.integrity.note import (append_signatures, checkpoint_body, cosigner_vkey, parse_vkey, sign_note,
                                   verify_cosignature, vkey)
from ledger.integrity.tree import consistency_path, list_fetch, tree_head
from ledger.integrity.verifier import EMPTY_ROOT
from ledger.integrity.witness import SIZE_CONTENT_TYPE, Witness, wsgi_app
from ledger.integrity.witness_client import WitnessRefused, add_checkpoint_body, request_cosignature

ORIGIN = "binjaikota.go.id/jejak"
WITNESS = "witness.example/w1"
NOW = 1_700_000_000
LEAVES = [leaf_hash(f"event {i}".encode()) for i in range(64)]
OTHER_LEAVES = [leaf_hash(f"forged {i}".encode()) for i in range(64)]


def root(n: int, leaves: list[bytes] = LEAVES) -> bytes:
    return tree_head(n, list_fetch(leaves[:n]))


def proof(m: int, n: int, leaves: list[bytes] = LEAVES) -> list[bytes]:
    return consistency_path(m, n, list_fetch(leaves[:n]))


LOG_KEY = Ed25519PrivateKey.generate()
WITNESS_KEY = Ed25519PrivateKey.generate()


def note(n: int, tree_root: bytes | None = None, key: Ed25519PrivateKey = LOG_KEY, origin: str = ORIGIN) -> str:
    return sign_note(checkpoint_body(origin, n, root(n) if tree_root is None else tree_root), origin, key)


def body(n: int, old: int, proof_hashes: list[bytes] | None = None, **kw) -> bytes:
    return add_checkpoint_body(note(n, **kw), old, proof(old, n) if proof_hashes is None else proof_hashes)


def make_witness(path, clock=lambda: NOW) -> Witness:
    return Witness(WITNESS, WITNESS_KEY, {ORIGIN: [vkey(ORIGIN, LOG_KEY.public_key())]}, path, clock=clock)


@pytest.fixture
def state_path(tmp_path):
    return tmp_path / "witness-state.json"


@pytest.fixture
def witness(state_path):
    return make_witness(state_path)


def on_disk(path) -> dict:
    return json.loads(path.read_text())["logs"]


def assert_cosigned(response, n: int) -> None:
    status, content_type, out = response
    assert (status, content_type) == (200, "text/plain; charset=utf-8"), out
    text = out.decode()
    assert text.endswith("\n") and text.count("\n") == 1
    cosigner = parse_vkey(cosigner_vkey(WITNESS, WITNESS_KEY.public_key()))
    assert verify_cosignature(checkpoint_body(ORIGIN, n, root(n)), text[:-1], cosigner) == NOW


# --- the witness core ---------------------------------------------------------------------------

def test_first_checkpoint_is_cosigned_and_written(witness, state_path):
    assert_cosigned(witness.add_checkpoint(body(5, 0)), 5)
    assert on_disk(state_path) == {ORIGIN: {"size": 5, "root": base64.b64encode(root(5)).decode()}}
    assert witness.known(ORIGIN) == (5, root(5))
    assert witness.vkey == cosigner_vkey(WITNESS, WITNESS_KEY.public_key())
    assert not [p.name for p in state_path.parent.iterdir() if p.name.endswith(".tmp")]


def test_state_is_on_disk_before_the_cosignature_is_made(state_path):
    seen = []

    def clock() -> int:  # the witness reads its clock to timestamp the cosignature
        seen.append(on_disk(state_path) if state_path.exists() else None)
        return NOW

    witness = make_witness(state_path, clock)
    assert_cosigned(witness.add_checkpoint(body(5, 0)), 5)
    assert_cosigned(witness.add_checkpoint(body(13, 5)), 13)
    assert [s[ORIGIN]["size"] for s in seen] == [5, 13]


@pytest.mark.parametrize("m, n", [(1, 2), (1, 64), (2, 3), (3, 7), (4, 8), (5, 13), (7, 8), (8, 9),
                                  (8, 16), (13, 33), (31, 32), (32, 63), (63, 64)])
def test_extension_with_a_valid_proof(witness, state_path, m, n):
    assert_cosigned(witness.add_checkpoint(body(m, 0)), m)
    assert_cosigned(witness.add_checkpoint(body(n, m)), n)
    assert on_disk(state_path)[ORIGIN]["size"] == n


def test_same_size_same_root_is_cosigned_again(witness, state_path):
    assert_cosigned(witness.add_checkpoint(body(13, 0)), 13)
    before = state_path.read_bytes()
    assert_cosigned(witness.add_checkpoint(body(13, 13)), 13)
    assert state_path.read_bytes() == before


def test_rollback_gets_409_with_the_known_size(witness, state_path):
    witness.add_checkpoint(body(5, 0))
    witness.add_checkpoint(body(13, 5))
    assert witness.add_checkpoint(body(8, 5)) == (409, SIZE_CONTENT_TYPE, b"13\n")
    assert witness.add_checkpoint(body(20, 0)) == (409, SIZE_CONTENT_TYPE, b"13\n")
    assert witness.add_checkpoint(body(20, 8)) == (409, SIZE_CONTENT_TYPE, b"13\n")
    assert on_disk(state_path)[ORIGIN]["size"] == 13


def test_old_size_above_the_checkpoint_is_400(witness):
    witness.add_checkpoint(body(13, 0))
    status, _, out = witness.add_checkpoint(body(8, 13, proof_hashes=[]))
    assert status == 400 and b"above" in out


def test_bad_consistency_proofs_get_422(witness, state_path):
    witness.add_checkpoint(body(5, 0))
    good = proof(5, 13)
    flipped = [good[0][:-1] + bytes([good[0][-1] ^ 1]), *good[1:]]
    for bad in (flipped, good[:-1], good + [good[0]], [], proof(5, 13, OTHER_LEAVES), proof(4, 13)):
        status, _, _ = witness.add_checkpoint(body(13, 5, proof_hashes=bad))
        assert status == 422, bad
    assert witness.add_checkpoint(body(5, 5, proof_hashes=[root(5)]))[0] == 422  # a size to itself: empty
    assert on_disk(state_path)[ORIGIN]["size"] == 5


def test_a_proof_from_zero_must_be_empty(witness, state_path):
    assert witness.add_checkpoint(body(5, 0, proof_hashes=[root(5)]))[0] == 422
    assert not state_path.exists()


def test_fork_at_the_same_size_is_refused(witness, state_path):
    witness.add_checkpoint(body(13, 0))
    status, content_type, out = witness.add_checkpoint(body(13, 13, tree_root=root(13, OTHER_LEAVES)))
    assert (status, content_type) == (409, "text/plain; charset=utf-8") and b"fork" in out
    # a forked tree that grew: its proof cannot reach the cosigned root
    forged = body(20, 13, tree_root=root(20, OTHER_LEAVES), proof_hashes=proof(13, 20, OTHER_LEAVES))
    assert witness.add_checkpoint(forged)[0] == 422
    assert on_disk(state_path)[ORIGIN] == {"size": 13, "root": base64.b64encode(root(13)).decode()}


def test_empty_tree_checkpoint_needs_the_empty_root(witness):
    assert_cosigned(witness.add_checkpoint(body(0, 0)), 0)
    assert witness.known(ORIGIN) == (0, EMPTY_ROOT)
    assert witness.add_checkpoint(body(0, 0, tree_root=root(1)))[0] == 409


def test_unknown_origin_is_404(witness, state_path):
    other = Ed25519PrivateKey.generate()
    elsewhere = note(5, key=other, origin="elsewhere.example/log")
    status, _, out = witness.add_checkpoint(add_checkpoint_body(elsewhere, 0, []))
    assert status == 404 and b"elsewhere.example/log" in out
    assert not state_path.exists()


def test_bad_or_absent_log_signature_is_403(witness, state_path):
    impostor = Ed25519PrivateKey.generate()
    good = note(5)
    text, _, sig_line = good.rpartition("\n\n")
    name, b64 = sig_line[2:-1].split(" ")
    raw = bytearray(base64.b64decode(b64))
    raw[-1] ^= 1
    tampered_sig = f"{text}\n\n— {name} {base64.b64encode(bytes(raw)).decode()}\n"
    cases = [
        note(5, key=impostor),  # same name, another key: no known signature
        tampered_sig,  # the known key's signature fails
        good.replace("\n5\n", "\n6\n", 1),  # the text changed after signing
        append_signatures(sign_note(checkpoint_body(ORIGIN, 5, root(5)), "someone.else", LOG_KEY), []),
    ]
    for checkpoint_note in cases:
        status, _, _ = witness.add_checkpoint(add_checkpoint_body(checkpoint_note, 0, []))
        assert status == 403, checkpoint_note
    assert not state_path.exists()
    # a note still carrying the known key's signature among unknown ones is accepted
    extra = append_signatures(good, [note(5, key=impostor).rpartition("\n\n")[2][:-1]])
    assert_cosigned(witness.add_checkpoint(add_checkpoint_body(extra, 0, [])), 5)


@pytest.mark.parametrize("request_body", [
    b"old 0\n" + note(5).encode(),  # no empty line
    b"old 05\n\n" + note(5).encode(),
    b"old -1\n\n" + note(5).encode(),
    b"Old 0\n\n" + note(5).encode(),
    b"old  0\n\n" + note(5).encode(),
    b"old 0\nnot-base64!\n\n" + note(5).encode(),
    b"old 0\n" + base64.b64encode(bytes(31)) + b"\n\n" + note(5).encode(),  # not a 32-byte hash
    b"old 5\n" + b"".join(base64.b64encode(bytes(32)) + b"\n" for _ in range(64)) + b"\n" + note(5).encode(),
    b"old 0\n\n\n" + note(5).encode(),  # an empty origin line
    add_checkpoint_body(checkpoint_body(ORIGIN, 5, root(5)), 0, []),  # a checkpoint without signatures
    add_checkpoint_body(sign_note(f"{ORIGIN}\n5\n", ORIGIN, LOG_KEY), 0, []),  # signed, not a checkpoint
    add_checkpoint_body(sign_note(f"{ORIGIN}\n05\n{base64.b64encode(root(5)).decode()}\n", ORIGIN, LOG_KEY), 0, []),
])
def test_malformed_requests_are_400(witness, state_path, request_body):
    status, _, _ = witness.add_checkpoint(request_body)
    assert status == 400
    assert not state_path.exists()


def test_63_proof_lines_are_allowed_but_checked(witness):
    witness.add_checkpoint(body(5, 0))
    status, _, _ = witness.add_checkpoint(body(13, 5, proof_hashes=[bytes(32)] * 63))
    assert status == 422


def test_state_survives_a_restart(state_path):
    make_witness(state_path).add_checkpoint(body(5, 0))
    make_witness(state_path).add_checkpoint(body(13, 5))
    restarted = make_witness(state_path)
    assert restarted.known(ORIGIN) == (13, root(13))
    assert restarted.add_checkpoint(body(8, 0)) == (409, SIZE_CONTENT_TYPE, b"13\n")
    assert_cosigned(restarted.add_checkpoint(body(20, 13)), 20)


@pytest.mark.parametrize("two_objects", [False, True], ids=["one witness", "two witnesses on one file"])
def test_concurrent_requests_cannot_roll_back(state_path, two_objects):
    """Requests racing from the same old size: exactly one wins, the others learn its size.
    Two Witness objects on one state file stand for two processes: only the file lock serialises them."""
    witnesses = [make_witness(state_path), make_witness(state_path)]
    witnesses[0].add_checkpoint(body(5, 0))
    sizes = list(range(6, 22))
    results: dict[int, tuple] = {}
    barrier = threading.Barrier(len(sizes))

    def submit(n: int) -> None:
        w = witnesses[n % 2] if two_objects else witnesses[0]
        request = body(n, 5)
        barrier.wait()
        results[n] = w.add_checkpoint(request)

    threads = [threading.Thread(target=submit, args=(n,)) for n in sizes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [n for n, r in results.items() if r[0] == 200]
    assert len(winners) == 1, {n: r[:2] for n, r in results.items()}
    (winner,) = winners
    for n, r in results.items():
        if n != winner:
            assert r == (409, SIZE_CONTENT_TYPE, f"{winner}\n".encode())
    assert on_disk(state_path)[ORIGIN]["size"] == winner


def test_configuration_is_checked(state_path):
    log_vkey = vkey(ORIGIN, LOG_KEY.public_key())
    with pytest.raises(ValueError, match="not an Ed25519"):
        Witness(WITNESS, WITNESS_KEY, {ORIGIN: [cosigner_vkey(ORIGIN, LOG_KEY.public_key())]}, state_path)
    with pytest.raises(ValueError, match="no verifier key"):
        Witness(WITNESS, WITNESS_KEY, {ORIGIN: []}, state_path)
    with pytest.raises(ValueError):
        Witness("bad name", WITNESS_KEY, {ORIGIN: [log_vkey]}, state_path)
    # the same key listed twice is one key, not an ambiguity
    w = Witness(WITNESS, WITNESS_KEY, {ORIGIN: [log_vkey, log_vkey]}, state_path, clock=lambda: NOW)
    assert_cosigned(w.add_checkpoint(body(5, 0)), 5)


# --- over HTTP ----------------------------------------------------------------------------------

class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@pytest.fixture
def served(witness):
    server = make_server("127.0.0.1", 0, wsgi_app(witness), handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", witness
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _proofs(calls: list[int], n: int):
    def proof_for(m: int) -> list[bytes]:
        calls.append(m)
        return proof(m, n)
    return proof_for


def test_client_gets_a_cosignature_over_http(served):
    url, witness = served
    calls: list[int] = []
    lines = request_cosignature(url, note(5), 0, _proofs(calls, 5), timeout=5)
    assert calls == [] and len(lines) == 1
    cosigner = parse_vkey(witness.vkey)
    assert verify_cosignature(checkpoint_body(ORIGIN, 5, root(5)), lines[0], cosigner) == NOW
    lines = request_cosignature(url + "/", note(13), 5, _proofs(calls, 13), timeout=5, verifiers=[cosigner])
    assert calls == [5] and len(lines) == 1
    assert witness.known(ORIGIN) == (13, root(13))


def test_client_follows_a_409_from_the_known_size(served):
    url, witness = served
    request_cosignature(url, note(5), 0, _proofs([], 5), timeout=5)
    calls: list[int] = []
    lines = request_cosignature(url, note(13), 0, _proofs(calls, 13), timeout=5)
    assert calls == [5]  # told "5" by the 409, it resent once with a proof from 5
    assert verify_cosignature(checkpoint_body(ORIGIN, 13, root(13)), lines[0], parse_vkey(witness.vkey)) == NOW
    calls.clear()
    request_cosignature(url, note(20), 8, _proofs(calls, 20), timeout=5)  # a stale size too
    assert calls == [8, 13]
    assert witness.known(ORIGIN) == (20, root(20))


def test_client_does_not_resend_beyond_the_checkpoint(served):
    url, _ = served
    request_cosignature(url, note(13), 0, _proofs([], 13), timeout=5)
    calls: list[int] = []
    with pytest.raises(WitnessRefused) as refused:
        request_cosignature(url, note(8), 5, _proofs(calls, 8), timeout=5)
    assert refused.value.status == 409 and "beyond" in refused.value.message
    assert calls == [5]


def test_client_raises_on_refusals(served):
    url, _ = served
    cases = [
        (note(5, key=Ed25519PrivateKey.generate()), 0, 403),
        (note(5, key=Ed25519PrivateKey.generate(), origin="elsewhere.example/log"), 0, 404),
    ]
    for checkpoint_note, old, status in cases:
        with pytest.raises(WitnessRefused) as refused:
            request_cosignature(url, checkpoint_note, old, _proofs([], 5), timeout=5)
        assert refused.value.status == status
    request_cosignature(url, note(5), 0, _proofs([], 5), timeout=5)
    with pytest.raises(WitnessRefused) as refused:  # 422: a proof from the wrong tree
        request_cosignature(url, note(13), 5, lambda m: proof(m, 13, OTHER_LEAVES), timeout=5)
    assert refused.value.status == 422
    with pytest.raises(WitnessRefused) as refused:  # 409 fork: not a size to resend from
        request_cosignature(url, note(5, tree_root=root(5, OTHER_LEAVES)), 5, _proofs([], 5), timeout=5)
    assert refused.value.status == 409 and "fork" in refused.value.message


def test_client_checks_cosignatures_against_the_witness_key(served):
    url, _ = served
    stranger = parse_vkey(cosigner_vkey(WITNESS, Ed25519PrivateKey.generate().public_key()))
    with pytest.raises(WitnessRefused, match="no valid cosignature"):
        request_cosignature(url, note(5), 0, _proofs([], 5), timeout=5, verifiers=[stranger])


def test_http_front(served):
    url, _ = served
    request = urllib.request.Request(url + "/add-checkpoint", data=body(5, 0), method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200 and response.read().startswith("— witness.example/w1 ".encode())
    request = urllib.request.Request(url + "/add-checkpoint", data=body(8, 0), method="POST")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=5)
    with error.value:
        assert error.value.code == 409
        assert error.value.headers["Content-Type"] == SIZE_CONTENT_TYPE
        assert error.value.read() == b"5\n"
    for path, method, code in (("/add-checkpoint", "GET", 405), ("/other", "POST", 404)):
        request = urllib.request.Request(url + path, data=b"" if method == "POST" else None, method=method)
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=5)
        with error.value:
            assert error.value.code == code
