"""Pure domain rules of Indonesian civil-servant HR, each with its regulation.

Every function here either returns quietly, returns a warning, or raises
`RuleViolated` naming the rule. Rules marked *(check)* in DOMAIN.md are
warnings: they return a `Warning` and never refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ledger.errors import RuleViolated

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

RATINGS = ["di_atas", "sesuai", "di_bawah"]
PREDIKAT = ["sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang"]

# PermenPANRB 6/2022, lampiran: predikat kinerja pegawai from (hasil kerja, perilaku kerja).
PREDIKAT_MATRIX = {
    ("di_atas", "di_atas"): "sangat_baik",
    ("di_atas", "sesuai"): "baik",
    ("di_atas", "di_bawah"): "kurang",
    ("sesuai", "di_atas"): "baik",
    ("sesuai", "sesuai"): "baik",
    ("sesuai", "di_bawah"): "kurang",
    ("di_bawah", "di_atas"): "butuh_perbaikan",
    ("di_bawah", "sesuai"): "butuh_perbaikan",
    ("di_bawah", "di_bawah"): "sangat_kurang",
}

# PP 94/2021 art. 8: kinds of disciplinary penalty per level.
PENALTY_KINDS = {
    "ringan": ["teguran_lisan", "teguran_tertulis", "pernyataan_tidak_puas_tertulis"],
    "sedang": ["pemotongan_tukin_25_6_bulan", "pemotongan_tukin_25_9_bulan",
               "pemotongan_tukin_25_12_bulan"],
    "berat": ["penurunan_jabatan_12_bulan", "pembebasan_jabatan_pelaksana_12_bulan",
              "pemberhentian_dengan_hormat_tidak_atas_permintaan_sendiri"],
}

LEAVE_KINDS = ["tahunan", "besar", "sakit", "melahirkan", "alasan_penting", "bersama", "cltn"]
# PP 49/2018 art. 76: PPPK get annual, sick, maternity leave and cuti bersama only.
PPPK_LEAVE_KINDS = {"tahunan", "sakit", "melahirkan", "bersama"}

# Evaluator hierarchy of PermenPANRB 6/2022 (check): evaluated post -> allowed evaluator posts.
EVALUATOR_HIERARCHY = {
    "administrator": {"jpt_pratama"},
    "pengawas": {"administrator"},
    "pelaksana": {"pengawas"},
    "jf_ahli_madya": {"jpt_pratama"},
    "jf_ahli_muda": {"administrator", "jpt_pratama"},
    "jf_ahli_pertama": {"pengawas", "administrator", "jpt_pratama"},
    "jf_pemula": {"pengawas", "administrator", "jpt_pratama"},
    "jf_terampil": {"pengawas", "administrator", "jpt_pratama"},
    "jf_mahir": {"pengawas", "administrator", "jpt_pratama"},
    "jf_penyelia": {"pengawas", "administrator", "jpt_pratama"},
    "jpt_pratama": {"jpt_madya"},  # head of OPD by the Sekda (a JPT madya post)
}

FEEDBACK_NEXT = {
    "received": {"verified", "rejected"},
    "verified": {"dispositioned", "rejected"},
    "dispositioned": {"responded", "rejected"},
    "responded": {"closed"},
    "closed": set(),
    "rejected": set(),
}


@dataclass(frozen=True)
class Warning:
    """A *(check)* rule that did not hold: stored with the event, never refusing it."""

    rule: str
    message: str
    message_id: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "message": self.message, "message_id": self.message_id}


def _parse_ymd(digits: str) -> date | None:
    try:
        return date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def check_nip(nip: str, employment_type: str, field: str = "subject") -> date:
    """NIP (PNS): birth date + TMT CPNS month + gender + sequence (Perka BKN 22/2007).

    NI PPPK: 18 digits with the birth date first. Returns the birth date.
    """
    if len(nip) != 18 or not nip.isdigit():
        raise RuleViolated("nip_format", f"an NIP has 18 digits, got {nip!r}",
                           f"NIP terdiri dari 18 angka, diterima {nip!r}", field=field)
    born = _parse_ymd(nip[:8])
    if born is None:
        raise RuleViolated("nip_birth_date", f"digits 1-8 of {nip} are not a real birth date",
                           f"angka 1-8 dari {nip} bukan tanggal lahir yang sah", field=field)
    if employment_type != "pns":
        return born
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12:
        raise RuleViolated("nip_tmt_cpns", f"digits 9-14 of {nip} are not a real TMT CPNS month",
                           f"angka 9-14 dari {nip} bukan bulan TMT CPNS yang sah", field=field)
    adult = date(born.year + 18, born.month, 1)
    if date(year, month, 1) < adult:
        raise RuleViolated("nip_tmt_cpns", f"TMT CPNS {year}-{month:02d} in {nip} is before age 18",
                           f"TMT CPNS {year}-{month:02d} pada {nip} sebelum usia 18 tahun", field=field)
    if nip[14] not in "12":
        raise RuleViolated("nip_gender", f"digit 15 of {nip} must be 1 or 2",
                           f"angka ke-15 dari {nip} harus 1 atau 2", field=field)
    return born


def check_birth_date_matches(nip: str, birth_date: date, field: str = "data.birth_date") -> None:
    """The birth date given must be the one encoded in the NIP."""
    encoded = _parse_ymd(nip[:8])
    if encoded != birth_date:
        raise RuleViolated("nip_birth_date", f"birth date {birth_date} differs from {encoded} in the NIP",
                           f"tanggal lahir {birth_date} berbeda dengan {encoded} pada NIP", field=field)


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


def check_predikat(results_rating: str, behaviour_rating: str, predikat: str) -> None:
    """Predikat follows the PermenPANRB 6/2022 matrix exactly."""
    expected = PREDIKAT_MATRIX[(results_rating, behaviour_rating)]
    if predikat != expected:
        raise RuleViolated("predikat_matrix",
                           f"hasil kerja {results_rating} and perilaku {behaviour_rating} give {expected}, not {predikat}",
                           f"hasil kerja {results_rating} dan perilaku {behaviour_rating} menghasilkan {expected}, "
                           f"bukan {predikat}", field="data.predikat")


def check_period(kind: str, number: int | None) -> None:
    """Periodic SKP evaluations name their month (1-12) or quarter (1-4); annual ones name none."""
    top = {"monthly": 12, "quarterly": 4}.get(kind)
    if top is None and number is not None or top is not None and (number is None or number > top):
        expected = f"a number from 1 to {top}" if top else "no number"
        raise RuleViolated("evaluation_period", f"a {kind} evaluation period takes {expected}",
                           f"periode penilaian {kind} memerlukan {'nomor 1 sampai ' + str(top) if top else 'tanpa nomor'}",
                           field="data.period.number")


def check_evaluator_not_self(subject: str, evaluator: str) -> None:
    """The evaluator (pejabat penilai kinerja) is never the evaluated person (PermenPANRB 6/2022)."""
    if subject == evaluator:
        raise RuleViolated("evaluator_not_self", "the evaluator cannot be the evaluated employee",
                           "pejabat penilai tidak boleh pegawai yang dinilai", field="data.evaluator")


def evaluator_hierarchy_warning(evaluated_post: str | None, evaluator_post: str | None) -> Warning | None:
    """Who evaluates whom (PermenPANRB 6/2022) *(check)*: a warning, not a refusal."""
    allowed = EVALUATOR_HIERARCHY.get(evaluated_post or "")
    if allowed is None or evaluator_post in allowed:
        return None
    return Warning("evaluator_hierarchy",
                   f"a {evaluator_post or 'unknown'} post does not usually evaluate a {evaluated_post} post",
                   f"jabatan {evaluator_post or 'tidak dikenal'} biasanya tidak menilai jabatan {evaluated_post}")


def check_objection_window(evaluated_on: date, filed_on: date) -> None:
    """An objection (keberatan) is filed within 14 days of the evaluation (PP 30/2019 art. 59)."""
    if filed_on < evaluated_on or filed_on > evaluated_on + timedelta(days=14):
        raise RuleViolated("objection_within_14_days",
                           f"an objection is filed within 14 days of the evaluation of {evaluated_on}, got {filed_on}",
                           f"keberatan diajukan paling lama 14 hari setelah penilaian {evaluated_on}, diterima {filed_on}",
                           field="data.filed_on")


def check_penalty_kind(level: str, kind: str) -> None:
    """Penalty kinds per level (PP 94/2021 art. 8)."""
    if kind not in PENALTY_KINDS[level]:
        raise RuleViolated("penalty_kind_for_level",
                           f"{kind!r} is not a {level} penalty (allowed: {', '.join(PENALTY_KINDS[level])})",
                           f"{kind!r} bukan hukuman disiplin tingkat {level}", field="data.kind")


def check_leave(kind: str, employment_type: str, start: date, end: date, days: int,
                annual_days_taken: int, service_start: date | None) -> None:
    """Leave caps (PP 11/2017 art. 310-340; PP 49/2018 for PPPK)."""
    check_leave_dates(start, end, days)
    if employment_type != "pns" and kind not in PPPK_LEAVE_KINDS:
        raise RuleViolated("leave_kind_for_pppk", f"PPPK do not get cuti {kind} (PP 49/2018)",
                           f"PPPK tidak berhak atas cuti {kind} (PP 49/2018)", field="data.kind")
    if kind == "tahunan" and annual_days_taken + days > 18:
        raise RuleViolated("annual_leave_cap",
                           f"annual leave in {start.year} would reach {annual_days_taken + days} days; the cap with carry-over is 18",
                           f"cuti tahunan {start.year} menjadi {annual_days_taken + days} hari; batas dengan penangguhan 18 hari",
                           field="data.days")
    if kind == "alasan_penting" and (end - start).days + 1 > 30:
        raise RuleViolated("important_reason_leave_cap", "cuti karena alasan penting lasts at most 1 month",
                           "cuti karena alasan penting paling lama 1 bulan", field="data.end_date")
    if kind == "besar" and (service_start is None or start < _add_years(service_start, 5)):
        raise RuleViolated("long_leave_service", "cuti besar needs 5 years of continuous service",
                           "cuti besar memerlukan masa kerja 5 tahun terus-menerus", field="data.kind")


def check_leave_dates(start: date, end: date, days: int) -> None:
    """A leave ends on or after its start and counts no more days than it spans."""
    if end < start:
        raise RuleViolated("leave_dates", "end_date is before start_date",
                           "end_date sebelum start_date", field="data.end_date")
    if days <= 0 or days > (end - start).days + 1:
        raise RuleViolated("leave_days", f"days must be between 1 and the {(end - start).days + 1} calendar days of the leave",
                           f"jumlah hari harus antara 1 dan {(end - start).days + 1} hari kalender cuti", field="data.days")


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


def check_not_separated(separated: bool) -> None:
    """No personnel action after separation except corrections and annulments."""
    if separated:
        raise RuleViolated("no_action_after_separation",
                           "the employee has separated; only corrections and annulments are accepted",
                           "pegawai telah diberhentikan; hanya koreksi dan pembatalan yang diterima",
                           field="type")


def check_feedback_step(current: str, target: str) -> None:
    """Feedback follows Received -> Verified -> Dispositioned -> Responded -> Closed (SP4N-LAPOR!)."""
    if target not in FEEDBACK_NEXT.get(current, set()):
        raise RuleViolated("feedback_step_order", f"a ticket in status {current} cannot become {target}",
                           f"tiket berstatus {current} tidak dapat menjadi {target}", field="type")


def retirement_age(position_type: str | None) -> int:
    """Batas usia pensiun (UU 20/2023; PP 11/2017 art. 239)."""
    if position_type in {"jpt_utama", "jpt_madya", "jpt_pratama", "jf_ahli_madya"}:
        return 60
    if position_type == "jf_ahli_utama":
        return 65
    return 58


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


PPPK_JP_CEILING = 24  # DOMAIN.md: "PPPK at most 24 JP" a year (PP 49/2018 on PPPK)


def pppk_training_ceiling_warning(employment_type: str, year: int, year_jp: int) -> Warning | None:
    """A PPPK's development is capped at 24 JP a year. A warning, not a refusal: the training happened
    and must be on record, and the regulation counts a contract year where the ledger sees the
    calendar year of the training's end date; BKPSDM decides."""
    if employment_type == "pns" or year_jp <= PPPK_JP_CEILING:
        return None
    return Warning("pppk_training_ceiling",
                   f"a PPPK's training in {year} comes to {year_jp} JP, above the {PPPK_JP_CEILING} JP a year",
                   f"pelatihan PPPK tahun {year} berjumlah {year_jp} JP, melebihi {PPPK_JP_CEILING} JP setahun")


def promotion_predikat_warning(annual_predikat: dict[int, str], tmt: date) -> Warning | None:
    """Regular promotion expects at least Baik in each of the last two years *(check)*."""
    years = [tmt.year - 1, tmt.year - 2]
    good = {"sangat_baik", "baik"}
    if all(annual_predikat.get(y) in good for y in years):
        return None
    return Warning("promotion_two_baik_years",
                   f"predikat in {years[1]} and {years[0]} is not at least Baik in both years",
                   f"predikat tahun {years[1]} dan {years[0]} tidak keduanya minimal Baik")


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)
