"""The console's proof badge in a real browser (Debian's chromium via Playwright) against a real `jejak serve`,
on both backends: an event proved against the pinned checkpoint key (and refused under another key),
pinned witnesses' cosignatures (a tampered one fails loudly), and the failure once an insider edits an
event in the database (last: it edits the ledger)."""

from __future__ import annotations

import time

import psycopg
import sqlalchemy as sa

from console_pages import pin_key, proof_of, shot, sign_in


def test_the_proof_badge_proves_an_event_against_the_pinned_key_and_fails_for_another_key(page, server):
    sign_in(page, server, "auditor")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from ledger.integrity.checkpoints import public_pem

    for pem, expected in ((public_pem(Ed25519PrivateKey.generate().public_key()), "fail"), (server["pem"], "ok")):
        pin_key(page, server, pem)
        page.goto(server["base"] + f"/console/pegawai/{server['nip']}")
        result = proof_of(page, page.locator("#timeline tbody tr").nth(500))
        assert result.get_attribute("data-result") == expected, result.inner_text()
    assert "TERBUKTI" in result.inner_text() and "tanda tangan checkpoint" in result.inner_text()
    result.scroll_into_view_if_needed()
    shot(page, server, "proof-ok")


def _badge(page, server, row: int):
    page.goto(server["base"] + f"/console/pegawai/{server['nip']}")
    return proof_of(page, page.locator("#timeline tbody tr").nth(row))


def _cosign_latest(url: str, name: str, key, tamper: bool = False) -> None:
    """A witness's cosignature of the latest checkpoint's note, stored as Jejak stores what witnesses answer."""
    import base64
    from api.db import make_engine
    from ledger.integrity import note

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            size, root, issued = conn.execute(sa.text("SELECT tree_size, root_hash, issued_at FROM jejak_checkpoints "
                                                      "ORDER BY tree_size DESC, issued_at DESC LIMIT 1")).one()
            text = conn.execute(sa.text("SELECT note FROM jejak_checkpoint_notes WHERE tree_size = :s AND "
                                        "issued_at = :i"), {"s": size, "i": issued}).scalar_one()
            line = note.cosign(text[:text.rfind("\n\n") + 1], name, key, int(time.time()))
            if tamper:  # one bit of the signature flipped, as an insider editing the stored line would
                prefix, b64 = line.rsplit(" ", 1)
                raw = bytearray(base64.b64decode(b64))
                raw[-1] ^= 1
                line = f"{prefix} {base64.b64encode(bytes(raw)).decode()}"
            conn.execute(sa.text("INSERT INTO jejak_cosignatures (tree_size, root_hash, witness, line, received_at) "
                                 "VALUES (:s, :r, :w, :l, :t)"),
                         {"s": size, "r": root, "w": name, "l": line, "t": issued})
    finally:
        engine.dispose()


def test_the_badge_checks_every_pinned_witness_cosignature_and_fails_loudly_on_a_tampered_one(page, server):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from ledger.integrity import note

    sign_in(page, server, "auditor")
    pin_key(page, server, server["pem"])
    assert _badge(page, server, 300).get_attribute("data-result") == "ok"  # the checkpoint the witnesses cosign
    honest, forged = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    _cosign_latest(server["url"], "saksi.binjaikota.go.id", honest)
    _cosign_latest(server["url"], "saksi.bpk.go.id", forged, tamper=True)
    for pinned, expected, says in (
            (["saksi.binjaikota.go.id"], "ok", "saksi saksi.binjaikota.go.id menandatangani bersama"),
            (["saksi.binjaikota.go.id", "saksi.bpk.go.id"], "fail", "cosignature of witness saksi.bpk.go.id does not"),
            (["saksi.kpk.go.id"], "fail", "no cosignature from pinned witness saksi.kpk.go.id")):
        keys = {"saksi.binjaikota.go.id": honest, "saksi.bpk.go.id": forged,
                "saksi.kpk.go.id": Ed25519PrivateKey.generate()}
        page.goto(server["base"] + "/console/kunci")
        page.fill("#witness-keys", "\n".join(note.cosigner_vkey(n, keys[n].public_key()) for n in pinned))
        page.click("#witness-form button")
        pinned_out = page.wait_for_selector("#witness-form output[data-result]")
        assert pinned_out.get_attribute("data-result") == "ok", pinned_out.inner_text()
        result = _badge(page, server, 300)
        assert result.get_attribute("data-result") == expected and says in result.inner_text(), result.inner_text()
    result.scroll_into_view_if_needed()
    shot(page, server, "proof-witness-missing")
    page.goto(server["base"] + "/console/kunci")
    page.fill("#witness-keys", "")
    page.click("#witness-form button")  # the later tests pin no witness


def test_the_badge_fails_loudly_once_an_insider_edits_the_event_in_the_database(page, server):
    """Last in the module: it edits the ledger. The insider rewrites the stored event and disables the
    append-only triggers, as a database administrator can; the badge recomputes the leaf and refuses."""
    sign_in(page, server, "auditor")
    pin_key(page, server, server["pem"])
    page.goto(server["base"] + f"/console/pegawai/{server['nip']}")
    row = page.locator("#timeline tbody tr").nth(700)
    position = int(row.get_attribute("data-position"))
    tamper(server["url"], position)
    result = proof_of(page, row)
    assert result.get_attribute("data-result") == "fail" and "leaf mismatch" in result.inner_text()
    result.scroll_into_view_if_needed()
    shot(page, server, "proof-tampered")


def tamper(url: str, position: int) -> None:
    """Change the position's stored title, keeping the JSON valid, with the triggers out of the way."""
    if url.startswith("postgresql"):
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ALTER TABLE jejak_events DISABLE TRIGGER USER")
            state = bytes(conn.execute("SELECT state FROM jejak_events WHERE notification_id = %s",
                                       (position,)).fetchone()[0])
            conn.execute("UPDATE jejak_events SET state = %s WHERE notification_id = %s",
                         (state.replace(b'"title":"', b'"title":"Kepala '), position))
        return
    import sqlite3

    conn = sqlite3.connect(url[len("sqlite:///"):], isolation_level=None)
    try:
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        state = bytes(conn.execute("SELECT state FROM stored_events WHERE rowid = ?", (position,)).fetchone()[0])
        assert b'"title":"' in state
        conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?",
                     (state.replace(b'"title":"', b'"title":"Kepala '), position))
    finally:
        conn.close()
