"""A unit's name reads like no other unit's: lookalikes by case, width, spacing or alphabet are refused."""

from __future__ import annotations

import pytest

from ledger.errors import RuleViolated
from ledger.unit_names import normalised

LOOKALIKES = {
    "fullwidth letter": "Dinas \uff2besehatan", "upper case": "DINAS KESEHATAN", "lower case": "dinas kesehatan",
    "two spaces": "Dinas  Kesehatan", "no-break space": "Dinas\u00a0Kesehatan", "trailing space": "Dinas Kesehatan ",
    "ligature": "Dinas Kesehatan \ufb01", "mathematical bold": "\U0001d403inas Kesehatan",
}


def test_lookalike_forms_of_a_name_normalise_to_the_same_name():
    for name in ("Dinas \uff2besehatan", "DINAS KESEHATAN", "Dinas  Kesehatan", "Dinas\u00a0Kesehatan",
                 "\U0001d403inas Kesehatan"):
        assert normalised(name) == "dinas kesehatan"


@pytest.mark.parametrize("how", LOOKALIKES)
def test_a_lookalike_of_a_registered_units_name_is_refused_under_another_code(ledger, hr, how):
    hr.record(ledger, hr.unit("DINKES", "Dinas Kesehatan"), hr.unit("DINKES2", "Dinas Kesehatan \ufb01"))
    if how == "ligature":  # "fi" ligature: NFKC makes it "fi", which DINKES2 holds
        hr.refuses(ledger, hr.unit("DlNKES", "Dinas Kesehatan fi"), "unit_name_unique", field="data.name")
        return
    hr.refuses(ledger, hr.unit("DlNKES", LOOKALIKES[how]), "unit_name_unique", field="data.name")


def test_a_name_mixing_cyrillic_letters_into_latin_ones_is_refused(ledger, hr):
    hr.record(ledger, hr.unit("DINKES", "Dinas Kesehatan"))
    hr.refuses(ledger, hr.unit("DINKES2", "Dinas Kes\u0435hat\u0430n"), "unit_name_single_script", field="data.name")


def test_a_name_wholly_in_another_alphabet_is_a_name_of_its_own(ledger, hr):
    hr.record(ledger, hr.unit("DINKES", "Dinas Kesehatan"), hr.unit("GR", "\u0394\u03ae\u03bc\u03bf\u03c2"))
    assert ledger.state("unit", "GR")["name"] == "\u0394\u03ae\u03bc\u03bf\u03c2"


def test_a_lookalike_code_with_its_own_name_is_a_different_unit(ledger, hr):
    hr.record(ledger, hr.unit("DINKES", "Dinas Kesehatan"), hr.unit("DlNKES", "Dinas Lingkungan Kesehatan"))
    assert ledger.state("unit", "DlNKES")["name"] == "Dinas Lingkungan Kesehatan"


def test_two_units_with_one_name_in_one_batch_are_refused_whole_naming_the_second(ledger, hr):
    with pytest.raises(RuleViolated) as caught:
        ledger.record([hr.unit("DINKES", "Dinas Kesehatan"), hr.unit("DlNKES", "DINAS KESEHATAN")], "clerk",
                      batch=True)
    assert caught.value.rule == "unit_name_unique" and caught.value.field == "events[1].data.name"
    assert ledger.head() == 0


def test_a_correction_may_not_give_a_unit_another_units_name(ledger, hr):
    receipts = hr.record(ledger, hr.unit("DINKES", "Dinas Kesehatan"), hr.unit("DISDIK", "Dinas Pendidikan"))
    hr.refuses(ledger, hr.correct(receipts[1]["event_id"], {"name": "dinas kesehatan"}, subject="DISDIK"),
               "unit_name_unique", field="data.fields.name")


def test_a_correction_of_a_units_own_name_is_recorded_and_its_old_name_stays_reserved(ledger, hr):
    receipts = hr.record(ledger, hr.unit("DINKES", "Dinas Kesehatan"))
    hr.record(ledger, hr.correct(receipts[0]["event_id"], {"name": "DINAS KESEHATAN KOTA"}, subject="DINKES"))
    hr.refuses(ledger, hr.unit("DlNKES", "Dinas Kesehatan"), "unit_name_unique", field="data.name")


def test_a_ledger_recorded_before_the_index_existed_fills_it_when_opened(database_url, hr):
    from ledger.application import Ledger

    first = Ledger(database_url)
    hr.record(first, hr.unit("DINKES", "Dinas Kesehatan"))
    first.recorder.execute("DELETE FROM jejak_unit_names")
    first.close()
    reopened = Ledger(database_url)
    try:
        hr.refuses(reopened, hr.unit("DlNKES", "DINAS KESEHATAN"), "unit_name_unique", field="data.name")
    finally:
        reopened.close()
