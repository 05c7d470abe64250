"""Grades and posts: the PNS and PPPK ladders, promotion (kenaikan pangkat) and its TMT, transfers."""

from __future__ import annotations

from datetime import date

from ledger.errors import RuleViolated
from ledger.rules.base import Warning, _add_years
from ledger.rules import book

book.validation("grade_valid", "PP 99/2000; Perpres 98/2020", "art. 1; lampiran",
                "A PNS grade is a golongan/ruang I/a..IV/e; a PPPK grade is I..XVII.",
                "Golongan PNS adalah I/a..IV/e; golongan PPPK adalah I..XVII.")
book.validation("grade_current", "PP 99/2000", "art. 2", "A promotion starts from the grade the employee holds.",
                "Kenaikan pangkat berangkat dari golongan yang sedang dimiliki.")
book.validation("grade_next_step", "PP 99/2000", "art. 2, 18", "A promotion goes one step up; KP penyesuaian "
                "ijazah goes to the first grade of a diploma above the current grade.",
                "Kenaikan pangkat naik satu tingkat; KP penyesuaian ijazah ke golongan awal ijazah di atas golongan saat ini.")
book.validation("promotion_pns_only", "PP 49/2018", "art. 37", "PPPK have no kenaikan pangkat: their grade changes "
                "with a new contract.", "PPPK tidak mengenal kenaikan pangkat: golongannya berubah dengan perjanjian kerja baru.")
book.validation("promotion_tmt_first_day", "PP 99/2000", "art. 16", "A promotion TMT is the 1st of a month.",
                "TMT kenaikan pangkat adalah tanggal 1.")
book.validation("promotion_tmt_month", "PP 99/2000 art. 16; Perban BKN 4/2023; Perban BKN 4/2025", "periode KP",
                "A promotion TMT falls in a month of its period (KP pengabdian and anumerta are exempt).",
                "TMT kenaikan pangkat jatuh pada bulan periodenya (KP pengabdian dan anumerta dikecualikan).")
book.compliance("promotion_two_baik_years", "PP 99/2000", "art. 7", "warning",
                "A regular or pilihan promotion expects predikat at least Baik in each of the last two years.",
                "Kenaikan pangkat reguler atau pilihan mensyaratkan predikat minimal Baik dua tahun terakhir.")
book.compliance("penyesuaian_ijazah_diploma", "PP 99/2000", "art. 18", "warning",
                "KP penyesuaian ijazah goes to the first grade of the diploma it names.",
                "KP penyesuaian ijazah menuju golongan awal ijazah yang disebutkan.")
book.compliance("transfer_tenure", "PP 11/2017", "art. 190-191", "info",
                "A transfer comes after 2 and before 5 years in the previous post.",
                "Mutasi dilakukan setelah 2 dan sebelum 5 tahun pada jabatan sebelumnya.")

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


# PP 99/2000 art. 18: KP penyesuaian ijazah goes to the first grade of the new diploma.
DIPLOMA_FIRST_GRADE = {"sd": "I/a", "sltp": "I/c", "slta": "II/a", "d1": "II/a", "d2": "II/b", "d3": "II/c",
                       "s1": "III/a", "d4": "III/a", "s2": "III/b", "s3": "III/c"}
EDUCATION_LEVELS = list(DIPLOMA_FIRST_GRADE)
PERIOD_EXEMPT = {"pengabdian", "anumerta"}  # DOMAIN.md: exempt from the period months
PREDIKAT_KINDS = {"reguler", "pilihan"}  # PP 99/2000 art. 7 asks two Baik years of both


def check_next_grade(current: str, from_grade: str, to_grade: str, employment_type: str,
                     kind: str = "reguler") -> None:
    """Kenaikan pangkat goes one step up the PNS ladder (PP 99/2000 art. 2); KP penyesuaian ijazah
    goes to the first grade of a diploma above the current grade (art. 18); PPPK have none (PP 49/2018)."""
    check_current_grade(current, from_grade)
    check_grade(current, employment_type, field="data.from_grade")
    check_grade(to_grade, employment_type, field="data.to_grade")
    if employment_type != "pns":
        raise RuleViolated("promotion_pns_only", "PPPK have no kenaikan pangkat: a grade changes with a new contract",
                           "PPPK tidak mengenal kenaikan pangkat: golongan berubah dengan perjanjian kerja baru",
                           field="type")
    idx = PNS_GRADES.index(current)
    if kind == "penyesuaian_ijazah":
        firsts = sorted(set(DIPLOMA_FIRST_GRADE.values()), key=PNS_GRADES.index)
        if to_grade not in firsts or PNS_GRADES.index(to_grade) <= idx:
            above = ", ".join(g for g in firsts if PNS_GRADES.index(g) > idx) or "none"
            raise RuleViolated("grade_next_step",
                               f"KP penyesuaian ijazah goes to the first grade of a diploma above {current} ({above})",
                               f"KP penyesuaian ijazah menuju golongan awal ijazah di atas {current} ({above})",
                               field="data.to_grade")
        return
    if idx + 1 >= len(PNS_GRADES) or PNS_GRADES[idx + 1] != to_grade:
        nxt = PNS_GRADES[idx + 1] if idx + 1 < len(PNS_GRADES) else None
        if nxt is None:
            raise RuleViolated("grade_next_step", f"{current} is the top of the ladder",
                               f"{current} adalah golongan tertinggi", field="data.to_grade")
        raise RuleViolated("grade_next_step",
                           f"a promotion goes to the next step after {current}, which is {nxt}",
                           f"kenaikan pangkat hanya ke satu tingkat di atas {current}, yaitu {nxt}",
                           field="data.to_grade")


@book.finds("penyesuaian_ijazah_diploma")
def diploma_finding(to_grade: str, level: str | None) -> Warning | None:
    """KP penyesuaian ijazah names a diploma whose first grade it reaches (PP 99/2000 art. 18)."""
    if level is None or DIPLOMA_FIRST_GRADE[level] == to_grade:
        return None
    first = DIPLOMA_FIRST_GRADE[level]
    return Warning("penyesuaian_ijazah_diploma",
                   f"a {level.upper()} diploma starts at {first}, not {to_grade}",
                   f"ijazah {level.upper()} berawal pada golongan {first}, bukan {to_grade}",
                   {"education_level": level, "to_grade": to_grade, "first_grade": first})


def allowed_promotion_months(tmt: date) -> set[int]:
    """Promotion periods: April/October before 2024 (PP 99/2000 art. 16); even months
    from 2024 to 30 Sep 2025 (Perban BKN 4/2023); any month from 1 Oct 2025 (Perban BKN 4/2025)."""
    if tmt < date(2024, 1, 1):
        return {4, 10}
    if tmt < date(2025, 10, 1):
        return {2, 4, 6, 8, 10, 12}
    return set(range(1, 13))


def check_promotion_tmt(tmt: date, kind: str = "reguler") -> None:
    """Promotion TMT is the first of a month allowed in its period; KP pengabdian and anumerta
    keep no period (DOMAIN.md), and KP anumerta takes effect from the death, any day."""
    if kind == "anumerta":
        return
    if tmt.day != 1:
        raise RuleViolated("promotion_tmt_first_day", f"a promotion TMT is the 1st of a month, got {tmt}",
                           f"TMT kenaikan pangkat harus tanggal 1, diterima {tmt}", field="effective_date")
    months = allowed_promotion_months(tmt)
    if kind not in PERIOD_EXEMPT and tmt.month not in months:
        names = ", ".join(str(m) for m in sorted(months))
        raise RuleViolated("promotion_tmt_month",
                           f"promotion TMT month {tmt.month} is not allowed in its period (allowed: {names})",
                           f"bulan TMT kenaikan pangkat {tmt.month} tidak diperbolehkan pada periode ini "
                           f"(yang boleh: {names})", field="effective_date")


@book.finds("promotion_two_baik_years")
def promotion_predikat_warning(annual_predikat: dict[int, str], tmt: date) -> Warning | None:
    """Regular and pilihan promotions expect at least Baik in each of the last two years (PP 99/2000 art. 7)."""
    years = [tmt.year - 1, tmt.year - 2]
    good = {"sangat_baik", "baik"}
    if all(annual_predikat.get(y) in good for y in years):
        return None
    return Warning("promotion_two_baik_years",
                   f"predikat in {years[1]} and {years[0]} is not at least Baik in both years",
                   f"predikat tahun {years[1]} dan {years[0]} tidak keduanya minimal Baik",
                   {str(y): annual_predikat.get(y) for y in reversed(years)})


@book.finds("transfer_tenure")
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
