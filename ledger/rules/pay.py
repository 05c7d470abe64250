"""Kenaikan gaji berkala (KGB): the periodic pay rise every two years, never while a penalty runs."""

from __future__ import annotations

from datetime import date

from ledger.errors import RuleViolated
from ledger.rules.base import Warning, _add_years
from ledger.rules import book

KGB = "PP 7/1977 (PP 15/2019)"
book.validation("kgb_tmt_first_day", KGB, "art. 11 (check)", "A KGB takes effect on the 1st of a month.",
                "TMT kenaikan gaji berkala adalah tanggal 1.")
book.compliance("kgb_every_two_years", KGB, "art. 11, 13 (check)", "warning",
                "A KGB comes at least 2 years after the last one (or after the TMT CPNS).",
                "Kenaikan gaji berkala paling cepat 2 tahun setelah yang terakhir (atau setelah TMT CPNS).")
KGB_YEARS = 2


def check_kgb_tmt(tmt: date) -> None:
    if tmt.day != 1:
        raise RuleViolated("kgb_tmt_first_day", f"a KGB TMT is the 1st of a month, got {tmt}",
                           f"TMT kenaikan gaji berkala harus tanggal 1, diterima {tmt}", field="effective_date")


@book.finds("kgb_every_two_years")
def kgb_interval_finding(last: date | None, tmt: date) -> Warning | None:
    """KGB every 2 years of masa kerja (PP 7/1977 art. 17, as amended)."""
    if last is None:
        return None
    due = _add_years(last, KGB_YEARS)
    if tmt >= due:
        return None
    return Warning("kgb_every_two_years", f"KGB on {tmt}, before 2 years since {last}",
                   f"kenaikan gaji berkala pada {tmt}, belum 2 tahun sejak {last}",
                   {"last": last, "due": due})
