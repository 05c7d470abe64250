"""Complainant contacts are sealed with AES-GCM under a key file kept beside, not inside, the database."""

import os
import stat

import pytest

from api.portal.contact_crypto import ContactBox, ContactKeyError, default_key_path, load_or_create_key


def test_a_missing_key_file_is_created_readable_only_by_its_owner_and_reused(tmp_path):
    path = tmp_path / "keys" / "jejak-contact.key"
    key = load_or_create_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_or_create_key(path) == key


def test_a_sealed_contact_opens_only_with_the_same_key_and_ticket(tmp_path):
    box = ContactBox.from_path(tmp_path / "k.key")
    token = box.seal("warga@example.id", "LPR-2026-AAAA")
    assert "warga" not in token and token.startswith("v1:")
    assert box.open(token, "LPR-2026-AAAA") == "warga@example.id"
    with pytest.raises(ValueError, match="wrong ticket"):
        box.open(token, "LPR-2026-BBBB")
    with pytest.raises(ValueError, match="wrong key"):
        ContactBox.from_path(tmp_path / "other.key").open(token, "LPR-2026-AAAA")


def test_sealing_the_same_contact_twice_gives_different_ciphertexts(tmp_path):
    box = ContactBox.from_path(tmp_path / "k.key")
    assert box.seal("0812", "T") != box.seal("0812", "T")


def test_a_damaged_key_file_is_refused_with_advice(tmp_path):
    path = tmp_path / "k.key"
    path.write_text("not base64 !!")
    with pytest.raises(ContactKeyError, match="restore it from backup"):
        load_or_create_key(path)
    path.write_text("c2hvcnQ=\n")
    with pytest.raises(ContactKeyError, match="32 bytes"):
        load_or_create_key(path)


def test_the_key_lives_beside_the_sqlite_file_unless_the_environment_names_it(tmp_path, monkeypatch):
    monkeypatch.delenv("JEJAK_CONTACT_KEY", raising=False)
    assert default_key_path(f"sqlite:///{tmp_path}/data/jejak.db") == tmp_path / "data" / "jejak-contact.key"
    monkeypatch.setenv("JEJAK_CONTACT_KEY", str(tmp_path / "elsewhere.key"))
    assert default_key_path(f"sqlite:///{tmp_path}/data/jejak.db") == tmp_path / "elsewhere.key"


def test_processes_starting_together_all_end_up_with_the_same_key(tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    path = tmp_path / "jejak-contact.key"
    with ProcessPoolExecutor(4) as pool:
        keys = list(pool.map(load_or_create_key, [path] * 8))
    assert len(set(keys)) == 1 and keys[0] == load_or_create_key(path)
    assert [p.name for p in tmp_path.iterdir()] == ["jejak-contact.key"]
