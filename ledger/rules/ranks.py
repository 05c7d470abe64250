"""Grades and posts: the PNS and PPPK ladders, promotion (kenaikan pangkat) and its TMT, transfers."""

from __future__ import annotations

from datetime import date

from ledger.errors import RuleViolated
from ledger.rules.base import Warning, _add_years

PNS_GRADES = [
    "I/a", "I/b", "I/c", "I/d",
    "II/a", "II/b", "II/c", "II/d",
    "III/a", "III/b", "III/c", "III/d",
    "IV/a", "IV/b", "IV/c", "IV/d", "IV/e",
]
PPPK_GRADES = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
               "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII"]

POSITION_TYPES = [
    "jpt_utama", "jpt_madya", "jpt_pratama", "administrator", "pengawas", "pelaksana",
    "jf_ahli_pertama", "jf_ahli_muda", "jf_ahli_madya", "jf_ahli_utama",
    "jf_pemula", "jf_terampil", "jf_mahir", "jf_penyelia",
]
OFFICIAL_POSITION_TYPES = {"jpt_utama", "jpt_madya", "jpt_pratama", "administrator", "pengawas"}


def check_grade(grade: str, employment_type: str, field: str = "data.grade") -> None:
    """PNS golongan/ruang I/a..IV/e (PP 99/2000); PPPK grades I..XVII (Perpres 98/2020)."""
    allowed = PNS_GRADES if employment_type == "pns" else PPPK_GRADES
    if grade not in allowed:
        kind = "PNS golongan" if employment_type == "pns" else "PPPK grade"
        raise RuleViolated("grade_valid", f"{grade!r} is not a {kind}",
                           f"{grade!r} bukan golongan yang sah untuk {employment_type.upper()}", field=field)


def check_current_grade(current: str, from_grade: str) -> None:
    """A promotion starts from the grade the employee holds."""
    if from_grade != current:
        raise RuleViolated("grade_current", f"from_grade {from_grade} is not the current grade {current}",
                           f"from_grade {from_grade} bukan golongan saat ini {current}",
                           field="data.from_grade")


def check_next_grade(current: str, from_grade: str, to_grade: str, employment_type: str) -> None:
    """Kenaikan pangkat goes one step up the PNS ladder only (PP 99/2000 art. 2)."""
    check_current_grade(current, from_grade)
    check_grade(current, employment_type, field="data.from_grade")
    check_grade(to_grade, employment_type, field="data.to_grade")
    if employment_type != "pns":
        return
    idx = PNS_GRADES.index(current)
    if idx + 1 >= len(PNS_GRADES) or PNS_GRADES[idx + 1] != to_grade:
        nxt = PNS_GRADES[idx + 1] if idx + 1 < len(PNS_GRADES) else None
        if nxt is None:
            raise RuleViolated("grade_next_step", f"{current} is the top of the ladder",
                               f"{current} adalah golongan tertinggi", field="data.to_grade")
        raise RuleViolated("grade_next_step",
                           f"a promotion goes to the next step after {current}, which is {nxt}",
                           f"kenaikan pangkat hanya ke satu tingkat di atas {current}, yaitu {nxt}",
                           field="data.to_grade")


def allowed_promotion_months(tmt: date) -> set[int]:
    """Promotion periods: April/October before 2024 (PP 99/2000 art. 16); even months
    from 2024 to 30 Sep 2025 (Perban BKN 4/2023); any month from 1 Oct 2025 (Perban BKN 4/2025)."""
    if tmt < date(2024, 1, 1):
        return {4, 10}
    if tmt < date(2025, 10, 1):
        return {2, 4, 6, 8, 10, 12}
    return set(range(1, 13))


def check_promotion_tmt(tmt: date) -> None:
    """Promotion TMT is the first of a month allowed in its period."""
    if tmt.day != 1:
        raise RuleViolated("promotion_tmt_first_day", f"a promotion TMT is the 1st of a month, got {tmt}",
                           f"TMT kenaikan pangkat harus tanggal 1, diterima {tmt}", field="effective_date")
    months = allowed_promotion_months(tmt)
    if tmt.month not in months:
        names = ", ".join(str(m) for m in sorted(months))
        raise RuleViolated("promotion_tmt_month",
                           f"promotion TMT month {tmt.month} is not allowed in its period (allowed: {names})",
                           f"bulan TMT kenaikan pangkat {tmt.month} tidak diperbolehkan pada periode ini "
                           f"(yang boleh: {names})", field="effective_date")


def promotion_predikat_warning(annual_predikat: dict[int, str], tmt: date) -> Warning | None:
    """Regular promotion expects at least Baik in each of the last two years *(check)*."""
    years = [tmt.year - 1, tmt.year - 2]
    good = {"sangat_baik", "baik"}
    if all(annual_predikat.get(y) in good for y in years):
        return None
    return Warning("promotion_two_baik_years",
                   f"predikat in {years[1]} and {years[0]} is not at least Baik in both years",
                   f"predikat tahun {years[1]} dan {years[0]} tidak keduanya minimal Baik")


def transfer_tenure_warning(in_post_since: date | None, tmt: date) -> Warning | None:
    """Transfers expected after 2 and before 5 years in post (PP 11/2017 art. 190-191) *(check)*."""
    if in_post_since is None:
        return None
    if tmt < _add_years(in_post_since, 2):
        return Warning("transfer_tenure", "less than 2 years in the previous post",
                       "kurang dari 2 tahun pada jabatan sebelumnya")
    if tmt > _add_years(in_post_since, 5):
        return Warning("transfer_tenure", "more than 5 years in the previous post",
                       "lebih dari 5 tahun pada jabatan sebelumnya")
    return None
