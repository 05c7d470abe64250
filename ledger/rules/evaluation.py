"""SKP evaluation (PermenPANRB 6/2022): ratings, the predikat matrix, periods, evaluators, objections."""

from __future__ import annotations

from datetime import date, timedelta

from ledger.errors import RuleViolated
from ledger.rules.base import Warning
from ledger.rules import book

SKP = "PermenPANRB 6/2022"
book.validation("predikat_matrix", SKP, "lampiran", "Predikat follows the hasil kerja x perilaku kerja matrix exactly.",
                "Predikat mengikuti matriks hasil kerja x perilaku kerja.")
book.validation("evaluation_period", SKP, "pasal 10", "A monthly evaluation names month 1-12, a quarterly one quarter "
                "1-4, an annual one none.", "Penilaian bulanan menyebut bulan 1-12, triwulanan 1-4, tahunan tidak.")
book.validation("evaluator_not_self", SKP, "pasal 8", "The evaluator is never the evaluated person, nor decides "
                "their own objection.", "Pejabat penilai bukan pegawai yang dinilai dan tidak memutus keberatannya sendiri.")
book.validation("evaluation_needs_plan", SKP, "pasal 7", "An evaluation needs that year's SKP plan.",
                "Penilaian memerlukan rencana SKP tahun itu.")
book.compliance("evaluator_hierarchy", SKP, "pasal 8", "warning", "The evaluator holds the post that evaluates "
                "the evaluated post.", "Pejabat penilai menduduki jabatan yang menilai jabatan pegawai yang dinilai.")
book.compliance("evaluator_active", SKP, "pasal 8", "serious", "The evaluator is an active ASN when evaluating.",
                "Pejabat penilai adalah ASN yang aktif saat menilai.")
book.compliance("evaluator_is_plans", SKP, "pasal 8", "warning", "The evaluation is made by the evaluator "
                "named in that year's SKP plan.", "Penilaian dilakukan oleh pejabat penilai yang tercantum dalam "
                "rencana SKP tahun itu.")
book.validation("objection_within_14_days", "PP 30/2019", "art. 59", "An objection is filed within 14 days of "
                "the evaluation.", "Keberatan diajukan paling lama 14 hari setelah penilaian.")
book.validation("objection_decision_final", "PP 30/2019", "art. 59", "The decision on an objection is final.",
                "Keputusan atas keberatan bersifat final.")
book.compliance("objection_decided_by_evaluator", "PP 30/2019", "art. 59", "serious",
                "An objection is decided by the evaluator's superior, never by the evaluator.",
                "Keberatan diputus oleh atasan pejabat penilai, bukan oleh pejabat penilai.")

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
    # JPT Pratama (a kota's Sekda among them) by the regional head, who holds no NIP; a JPT Madya
    # evaluates them where there is one (a province's Sekda).
    "jpt_pratama": {"kepala_daerah", "jpt_madya"},
}
REGIONAL_HEADS = ("wali kota", "walikota", "bupati", "gubernur")


def official_post(title: str) -> str:
    """The post of an evaluator named without NIP: the regional head (`kepala_daerah`) or another official."""
    return "kepala_daerah" if any(h in title.lower() for h in REGIONAL_HEADS) else "pejabat_lain"


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


def check_evaluator_not_self(subject: str, evaluator: object) -> None:
    """The evaluator (pejabat penilai kinerja) is never the evaluated person (PermenPANRB 6/2022)."""
    if subject == evaluator:
        raise RuleViolated("evaluator_not_self", "the evaluator cannot be the evaluated employee",
                           "pejabat penilai tidak boleh pegawai yang dinilai", field="data.evaluator")


def is_principal(title: str | None) -> bool:
    """A school principal: a teacher given the task of kepala sekolah (the post's title says so)."""
    return title is not None and "kepala sekolah" in title.lower()


@book.finds("evaluator_hierarchy")
def evaluator_hierarchy_warning(evaluated_post: str | None, evaluator_post: str | None,
                                evaluated_title: str | None = None, evaluator_title: str | None = None
                                ) -> Warning | None:
    """Who evaluates whom (PermenPANRB 6/2022) *(check)*: a warning, not a refusal. A teacher is
    evaluated by the school's principal, whatever the principal's JF level."""
    allowed = EVALUATOR_HIERARCHY.get(evaluated_post or "")
    if allowed is None or evaluator_post in allowed:
        return None
    if is_principal(evaluator_title) and evaluated_title is not None and "guru" in evaluated_title.lower().split():
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


@book.finds("evaluator_active")
def evaluator_active_finding(evaluator: object, status: str | None) -> Warning | None:
    """The evaluator is an active ASN (PermenPANRB 6/2022 art. 8): a separated one is a finding."""
    if status != "separated":
        return None
    return Warning("evaluator_active", f"the evaluator {evaluator} has separated from the service",
                   f"pejabat penilai {evaluator} sudah berhenti dari dinas", {"evaluator": evaluator})


@book.finds("objection_decided_by_evaluator")
def objection_decider_finding(decided_by: str, evaluator: object) -> Warning | None:
    """An objection is decided by the evaluator's superior, never by the evaluator (PP 30/2019 art. 59)."""
    if evaluator is None or decided_by != evaluator:
        return None
    return Warning("objection_decided_by_evaluator", f"the objection was decided by the evaluator {evaluator}",
                   f"keberatan diputus oleh pejabat penilai {evaluator} sendiri", {"evaluator": evaluator})


@book.finds("evaluator_is_plans")
def plans_evaluator_finding(planned: object, evaluator: object) -> Warning | None:
    """The evaluation comes from the evaluator of the year's plan (PermenPANRB 6/2022 art. 8)."""
    if planned is None or planned == evaluator:
        return None
    return Warning("evaluator_is_plans", f"evaluated by {_who(evaluator)}, while the plan names {_who(planned)}",
                   f"dinilai oleh {_who(evaluator)}, sedangkan rencana SKP menyebut {_who(planned)}",
                   {"planned": planned, "evaluator": evaluator})


def _who(evaluator: object) -> str:
    return evaluator["title"] if isinstance(evaluator, dict) else str(evaluator)
