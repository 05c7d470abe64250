"""Every whole-number setting is read one way: the same texts are refused wherever it is read."""

from __future__ import annotations

import pytest

from ledger import settings
from ledger.config import ConfigurationError, setting_int, whole_number

REFUSED = ["1.5", "lots", "", "1e3", "0x10", "-1"]


@pytest.mark.parametrize("text", REFUSED)
def test_a_text_that_is_not_a_whole_number_in_bounds_is_refused_saying_what_is_expected(text):
    with pytest.raises(ValueError, match="expected a whole number of at least 0"):
        whole_number(text, 0)


def test_whole_numbers_in_bounds_are_read_with_spaces_around_them():
    assert whole_number(" 12 ", 1) == 12 and whole_number("0", 0, 10) == 0 and whole_number(10, 0, 10) == 10
    with pytest.raises(ValueError, match="from 0 to 10"):
        whole_number("11", 0, 10)


@pytest.mark.parametrize("name", ["JEJAK_POOL_SIZE", "JEJAK_LOCK_TIMEOUT", "JEJAK_CHECKPOINT_EVERY_EVENTS",
                                  "JEJAK_TRUSTED_PROXIES", "JEJAK_AGGREGATE_CACHE", "JEJAK_READY_MAX_LAG"])
@pytest.mark.parametrize("text", ["1.5", "lots"])
def test_the_settings_table_and_the_readers_refuse_the_same_texts_naming_the_setting(monkeypatch, name, text):
    with pytest.raises(settings.SettingError, match=f"^{name}: expected a whole number"):
        settings.load({name: text})
    monkeypatch.setenv(name, text)
    with pytest.raises(ConfigurationError, match=f"^{name}="):
        setting_int(name, 1)


def test_the_lock_timeout_is_one_whole_number_of_seconds_in_config_and_when_opening(monkeypatch):
    assert settings.load({"JEJAK_LOCK_TIMEOUT": "7"})["JEJAK_LOCK_TIMEOUT"] == 7
    monkeypatch.setenv("JEJAK_LOCK_TIMEOUT", "0")
    with pytest.raises(ConfigurationError, match="^JEJAK_LOCK_TIMEOUT='0': expected a whole number of at least 1"):
        setting_int("JEJAK_LOCK_TIMEOUT", 10, minimum=1)
    with pytest.raises(settings.SettingError, match="^JEJAK_LOCK_TIMEOUT"):
        settings.load({"JEJAK_LOCK_TIMEOUT": "0"})


def test_a_bad_aggregate_cache_size_is_named_when_a_ledger_opens(tmp_path):
    from ledger.application import Ledger

    with pytest.raises(ConfigurationError, match="^JEJAK_AGGREGATE_CACHE='lots'"):
        Ledger(f"sqlite:///{tmp_path / 'j.db'}", env={"JEJAK_AGGREGATE_CACHE": "lots"})


def test_a_fractional_checkpoint_interval_in_events_is_refused_not_truncated(monkeypatch, tmp_path):
    from ledger.errors import ValidationFailed
    from ledger.integrity.checkpoints import checkpointer_from_env

    monkeypatch.setenv("JEJAK_CHECKPOINT_EVERY_EVENTS", "1.5")
    with pytest.raises(ValidationFailed, match="^JEJAK_CHECKPOINT_EVERY_EVENTS: expected a whole number"):
        checkpointer_from_env(None, f"sqlite:///{tmp_path / 'j.db'}")
