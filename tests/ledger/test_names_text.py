"""Text that people read refuses what hides or reorders it: controls, line breaks in names, bidi and zero-width."""

from __future__ import annotations

import re

import pytest

from ledger.errors import ValidationFailed
from ledger.fields import Str

HIDDEN = {
    "right-to-left override": "Dinas\u202eKesehatan", "left-to-right embedding": "Dinas \u202aKesehatan",
    "pop directional formatting": "Dinas Kesehatan\u202c", "first strong isolate": "Dinas \u2068Kesehatan\u2069",
    "right-to-left isolate": "\u2067Dinas Kesehatan", "zero-width space": "Dinas\u200bKesehatan",
    "zero-width non-joiner": "Din\u200cas", "zero-width joiner": "Din\u200das", "word joiner": "Dinas\u2060",
    "byte order mark": "\ufeffDinas", "carriage return": "Dinas\rKesehatan", "line feed": "Dinas\nKesehatan",
    "tab": "Dinas\tKesehatan", "escape": "Dinas\x1b[31m", "delete": "Dinas\x7f", "C1 control": "Dinas\x85",
}


@pytest.mark.parametrize("name", HIDDEN)
def test_a_name_with_hidden_characters_is_refused_naming_the_field_and_the_character(name):
    value = HIDDEN[name]
    with pytest.raises(ValidationFailed) as refused:
        Str(max_length=200).load(value, "data.name")
    assert refused.value.field == "data.name"
    assert "data.name" in refused.value.fields
    bad = next(c for c in value if c not in "DinasKesehatan [31m")
    assert f"U+{ord(bad):04X}" in str(refused.value)


@pytest.mark.parametrize("name", [n for n in HIDDEN if n not in ("carriage return", "line feed", "tab")])
def test_long_free_text_refuses_the_same_hidden_characters(name):
    with pytest.raises(ValidationFailed, match="data.message"):
        Str(max_length=5000).load(HIDDEN[name], "data.message")


def test_long_free_text_keeps_its_paragraphs():
    text = "Ruang tunggu penuh.\r\nKursi untuk lansia tidak ada.\n\n\tTerima kasih."
    assert Str(max_length=5000).load(text, "data.message") == text


LAWFUL = ["Dinas Kesehatan", "Kecamatan Binjai Kota", "Badan Kepegawaian dan Pengembangan SDM (BKPSDM)",
          "Dr. Ir. Hj. Siti Nur'aini, M.Kes.", "SD Negeri 020251 Binjai", "Puskesmas Tanah Tinggi / Rawat Inap",
          "Kelurahan Setia \u2013 Bagian \u00c9lok, \u00e9\u00e8\u00ea \u00fc & Co.", "R\u00e9sum\u00e9 #1: 50% \"baik\"",
          "Muhammad \u2018Ali\u2019 bin Abdullah", "Nguy\u1ec5n Th\u1ecb Minh Khai"]


@pytest.mark.parametrize("text", LAWFUL)
def test_ordinary_indonesian_names_and_text_remain_valid(text):
    assert Str(max_length=200).load(text, "data.name") == text


def test_the_served_schema_agrees_with_the_validator_on_hidden_characters():
    line, lines = Str(max_length=200).schema()["pattern"], Str(max_length=5000).schema()["pattern"]
    for value in HIDDEN.values():
        assert not re.fullmatch(line.strip("^$"), value)
    for text in LAWFUL:
        assert re.fullmatch(line.strip("^$"), text) and re.fullmatch(lines.strip("^$"), text)
    assert re.fullmatch(lines.strip("^$"), "a\r\nb\tc") and not re.fullmatch(line.strip("^$"), "a\nb")


def test_a_unit_name_with_a_bidi_override_is_refused_by_the_ledger(ledger):
    with pytest.raises(ValidationFailed) as refused:
        ledger.record([{"type": "UnitRegistered", "subject": "DINKES", "data": {"name": "Dinas\u202eKesehatan"}}],
                      actor="tests")
    assert refused.value.field == "data.name" and ledger.head() == 0
