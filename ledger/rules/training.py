"""Training (pengembangan kompetensi): JP, dates, the PPPK ceiling, and the unit budget that pays for it."""

from __future__ import annotations

from datetime import date

from ledger.errors import RuleViolated
from ledger.rules.base import Warning
from ledger.rules import book

book.validation("jp_positive", "PP 17/2020", "art. 203", "A training carries JP above zero.",
                "Pelatihan mencatat JP lebih dari nol.")
book.validation("training_dates", "PP 17/2020", "art. 203", "A training ends on or after its start.",
                "Pelatihan berakhir pada atau setelah tanggal mulainya.")
book.validation("budget_within_allocation", "UU 20/2023; Permendagri 15/2024", "art. 49; lampiran",
                "Training money is never realised beyond the unit's allocation.",
                "Realisasi anggaran pengembangan kompetensi tidak melebihi alokasi unit.")
book.compliance("pppk_training_ceiling", "PP 49/2018", "art. 40(1)", "warning", "A PPPK's development is at most 24 JP "
                "a year.", "Pengembangan kompetensi PPPK paling banyak 24 JP setahun.")


def check_jp(jp: object) -> None:
    """A training record carries JP above zero (PP 17/2020 art. 203)."""
    if not isinstance(jp, (int, float)) or jp <= 0:
        raise RuleViolated("jp_positive", "jp must be above 0", "jp harus lebih dari 0", field="data.jp")


def check_training_dates(start: date, end: date) -> None:
    """A training ends on or after its start."""
    if end < start:
        raise RuleViolated("training_dates", "end_date is before start_date",
                           "end_date sebelum start_date", field="data.end_date")


def check_budget(year: int, amount: int, allocated: int, realised: int, field: str = "data.amount") -> None:
    """Realisation never beyond allocation (UU 5/2014 art. 70(4); Permendagri 15/2024)."""
    remaining = allocated - realised
    if amount > remaining:
        raise RuleViolated("budget_within_allocation",
                           f"Rp {amount} exceeds the Rp {remaining} left of the {year} training budget",
                           f"Rp {amount} melebihi sisa anggaran pengembangan kompetensi {year} sebesar Rp {remaining}",
                           field=field)


PPPK_JP_CEILING = 24  # DOMAIN.md: "PPPK at most 24 JP" a year (PP 49/2018 on PPPK)


@book.finds("pppk_training_ceiling")
def pppk_training_ceiling_warning(employment_type: str, year: int, year_jp: int) -> Warning | None:
    """A PPPK's development is capped at 24 JP a year. A warning, not a refusal: the training happened
    and must be on record, and the regulation counts a contract year where the ledger sees the
    calendar year of the training's end date; BKPSDM decides."""
    if employment_type == "pns" or year_jp <= PPPK_JP_CEILING:
        return None
    return Warning("pppk_training_ceiling",
                   f"a PPPK's training in {year} comes to {year_jp} JP, above the {PPPK_JP_CEILING} JP a year",
                   f"pelatihan PPPK tahun {year} berjumlah {year_jp} JP, melebihi {PPPK_JP_CEILING} JP setahun")
