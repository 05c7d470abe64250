"""Around a penalty (PP 94/2021; PP 79/2021): the examination before it, the absence bands that size it,
and the administrative appeal after it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ledger.errors import NotFound, RuleViolated
from ledger.rules import book
from ledger.rules.base import Warning
from ledger.rules.discipline import DISMISSALS

book.validation("examination_closed_once", "PP 94/2021", "art. 26", "An examination is closed once, on or after "
                "the day it began.", "Pemeriksaan ditutup sekali, pada atau setelah tanggal dimulainya.")
book.compliance("promotion_under_examination", "PP 94/2021", "art. 31(4)", "info",
                "A promotion or KGB while a disciplinary examination runs is noted for the inspector: no article bars "
                "it (art. 31(4) keeps the employee's rights), but the examination may still end in a penalty.",
                "Kenaikan pangkat atau KGB selama pemeriksaan disiplin dicatat untuk pemeriksa: tidak ada pasal yang "
                "melarangnya (pasal 31 ayat (4) mempertahankan hak pegawai), tetapi pemeriksaan dapat berakhir "
                "dengan hukuman.")
book.compliance("absence_penalty_band", "PP 94/2021", "art. 9-11", "serious",
                "A penalty for unexcused absence is no lighter than its band of working days in a year (3 teguran "
                "lisan ... 21-24 demotion, 25-27 pembebasan, 28+ dismissal).",
                "Hukuman atas tidak masuk kerja tanpa alasan sah tidak lebih ringan dari rentang harinya dalam "
                "setahun (3 teguran lisan ... 21-24 penurunan, 25-27 pembebasan, 28+ pemberhentian).")
book.compliance("penalty_appeal_late", "PP 79/2021; PP 94/2021", "art. 4(2), 11(3); art. 38(1)", "warning",
                "Keberatan and banding are filed within 14 working days of receiving the decision, which is 15 days "
                "before the penalty's TMT.",
                "Keberatan dan banding diajukan paling lama 14 hari kerja sejak keputusan diterima, yaitu 15 hari "
                "sebelum TMT hukuman.")
book.compliance("penalty_appeal_path", "PP 79/2021", "art. 1(4)-(5)", "warning",
                "A dismissal is appealed by banding administratif, any other penalty by keberatan.",
                "Pemberhentian diajukan banding administratif, hukuman lain diajukan keberatan.")

# PP 94/2021 art. 9-11: the penalty due for cumulative unexcused absence in a year, lightest first.
ABSENCE_BANDS = [(3, "teguran_lisan"), (4, "teguran_tertulis"), (7, "pernyataan_tidak_puas_tertulis"),
                 (11, "pemotongan_tukin_25_6_bulan"), (14, "pemotongan_tukin_25_9_bulan"),
                 (17, "pemotongan_tukin_25_12_bulan"), (21, "penurunan_jabatan_12_bulan"),
                 (25, "pembebasan_jabatan_pelaksana_12_bulan"),
                 (28, "pemberhentian_dengan_hormat_tidak_atas_permintaan_sendiri")]
SEVERITY = [kind for _, kind in ABSENCE_BANDS]
APPEAL_WORKING_DAYS = 14
RECEIPT_DAYS = 15  # the decision is received this many days before the penalty's TMT


def band_of(days: int) -> str | None:
    """The penalty PP 94/2021 gives for `days` of unexcused absence in a year (None under 3 days)."""
    due = None
    for first, kind in ABSENCE_BANDS:
        if days >= first:
            due = kind
    return due


@book.finds("absence_penalty_band")
def absence_band_finding(kind: str, days: int | None) -> Warning | None:
    """A penalty lighter than the band of the absence it punishes."""
    due = band_of(days) if days is not None else None
    if due is None or kind not in SEVERITY or SEVERITY.index(kind) >= SEVERITY.index(due):
        return None
    return Warning("absence_penalty_band", f"{days} days of unexcused absence call for {due}, not {kind}",
                   f"{days} hari tidak masuk kerja tanpa alasan sah dihukum {due}, bukan {kind}",
                   {"absence_days": days, "kind": kind, "due": due})


def working_days_after(start: date, count: int) -> date:
    """The day `count` working days (Monday to Friday; holidays not known here) after `start`."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        count -= day.weekday() < 5
    return day


@book.finds("penalty_appeal_late", "penalty_appeal_path")
def appeal_findings(penalty: dict[str, Any], kind: str, filed_on: date) -> list[Warning]:
    """An appeal filed late, or by the other path than the penalty's (PP 79/2021)."""
    out = []
    # PP 94/2021 art. 38(1): a penalty takes effect on the 15th day after its decision was received
    due = working_days_after(penalty["since"] - timedelta(days=RECEIPT_DAYS), APPEAL_WORKING_DAYS)
    if filed_on > due:
        out.append(Warning("penalty_appeal_late", f"{kind} filed on {filed_on}, after {due} (14 working days)",
                           f"{kind} diajukan pada {filed_on}, setelah {due} (14 hari kerja)",
                           {"penalty_event_id": penalty["event_id"], "filed_on": filed_on, "due": due}))
    path = "banding" if penalty["kind"] in DISMISSALS else "keberatan"
    if kind != path:
        out.append(Warning("penalty_appeal_path", f"{kind} against {penalty['kind']}; its path is {path}",
                           f"{kind} atas {penalty['kind']}; upayanya adalah {path}",
                           {"penalty_event_id": penalty["event_id"], "kind": kind, "path": path}))
    return out


def check_close(examinations: dict[str, Any], examination_id: str, closed_on: date) -> None:
    """An examination that was started is closed once, not before it began."""
    exam = examinations.get(examination_id)
    if exam is None:
        raise NotFound(f"data.examination_event_id: no examination {examination_id}",
                       field="data.examination_event_id")
    if exam["closed"] is not None:
        raise RuleViolated("examination_closed_once", f"the examination was already closed on {exam['closed']}",
                           f"pemeriksaan sudah ditutup pada {exam['closed']}", field="data.examination_event_id")
    if closed_on < exam["since"]:
        raise RuleViolated("examination_closed_once", f"the examination began on {exam['since']}, after {closed_on}",
                           f"pemeriksaan dimulai {exam['since']}, setelah {closed_on}", field="data.closed_on")


@book.finds("promotion_under_examination")
def examination_finding(examinations: dict[str, Any], penalties: dict[str, Any], on: date | None,
                        kgb: bool = False) -> Warning | None:
    """A promotion or KGB dated while an examination runs: from its start to its close or the next penalty."""
    if on is None:
        return None
    for exam_id, exam in examinations.items():
        ends = [d for d in [exam["closed"], *(p["since"] for p in penalties.values() if p["since"] >= exam["since"])]
                if d is not None]
        if exam["since"] <= on and (not ends or on < min(ends)):
            what, what_id = ("KGB", "KGB") if kgb else ("promotion", "kenaikan pangkat")
            return Warning("promotion_under_examination", f"{what} on {on} during the examination begun {exam['since']}",
                           f"{what_id} pada {on} selama pemeriksaan sejak {exam['since']}",
                           {"examination_event_id": exam_id, "since": exam["since"], "on": on})
    return None
