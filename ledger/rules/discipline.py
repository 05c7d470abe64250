"""Disciplinary penalties (PP 94/2021): the kinds allowed at each level."""

from __future__ import annotations

from datetime import date

from ledger.errors import RuleViolated
from ledger.rules.base import Warning, months_later
from ledger.rules import book

book.validation("penalty_kind_for_level", "PP 94/2021", "art. 8", "A penalty's kind belongs to its level.",
                "Jenis hukuman disiplin sesuai tingkatnya.")
book.compliance("dismissal_without_separation", "PP 94/2021", "art. 8(4)", "serious",
                "A dismissal penalty separates the employee: no other personnel action follows it.",
                "Hukuman pemberhentian memberhentikan pegawai: tidak ada tindakan kepegawaian lain setelahnya.")
book.compliance("promotion_during_penalty", "PP 99/2000", "art. 20 (check)", "serious",
                "No promotion (nor KGB) while a disciplinary penalty runs.",
                "Tidak ada kenaikan pangkat (maupun KGB) selama hukuman disiplin berjalan.")

# PP 94/2021 art. 8: kinds of disciplinary penalty per level.
PENALTY_KINDS = {
    "ringan": ["teguran_lisan", "teguran_tertulis", "pernyataan_tidak_puas_tertulis"],
    "sedang": ["pemotongan_tukin_25_6_bulan", "pemotongan_tukin_25_9_bulan",
               "pemotongan_tukin_25_12_bulan"],
    "berat": ["penurunan_jabatan_12_bulan", "pembebasan_jabatan_pelaksana_12_bulan",
              "pemberhentian_dengan_hormat_tidak_atas_permintaan_sendiri"],
}


def check_penalty_kind(level: str, kind: str) -> None:
    """Penalty kinds per level (PP 94/2021 art. 8)."""
    if kind not in PENALTY_KINDS[level]:
        raise RuleViolated("penalty_kind_for_level",
                           f"{kind!r} is not a {level} penalty (allowed: {', '.join(PENALTY_KINDS[level])})",
                           f"{kind!r} bukan hukuman disiplin tingkat {level}", field="data.kind")


# PP 94/2021 art. 8: how long each penalty runs (months from its TMT); the rest take effect at once.
PENALTY_MONTHS = {"pemotongan_tukin_25_6_bulan": 6, "pemotongan_tukin_25_9_bulan": 9,
                  "pemotongan_tukin_25_12_bulan": 12, "penurunan_jabatan_12_bulan": 12,
                  "pembebasan_jabatan_pelaksana_12_bulan": 12}


def penalty_end(kind: str, since: date) -> date | None:
    """The first day a penalty no longer runs, or None when it has no period."""
    months = PENALTY_MONTHS.get(kind)
    return months_later(since, months) if months else None


@book.finds("promotion_during_penalty")
def running_penalty_finding(penalties: dict, on: date | None, kgb: bool = False) -> Warning | None:
    """No promotion (nor KGB) while a disciplinary penalty runs (PP 94/2021 art. 29; PP 99/2000 art. 20)."""
    if on is None:
        return None
    for p in penalties.values():
        end = penalty_end(p["kind"], p["since"])
        if p.get("ended") is not None:
            end = min(end, p["ended"]) if end is not None else None
        if end is not None and p["since"] <= on < end:
            what, what_id = ("KGB", "KGB") if kgb else ("promotion", "kenaikan pangkat")
            return Warning("promotion_during_penalty",
                           f"{what} on {on} while the penalty {p['kind']} runs ({p['since']} to {end})",
                           f"{what_id} pada {on} saat hukuman {p['kind']} berjalan ({p['since']} s.d. {end})",
                           {"penalty_event_id": p["event_id"], "kind": p["kind"], "since": p["since"], "until": end})
    return None


DISMISSALS = {"pemberhentian_dengan_hormat_tidak_atas_permintaan_sendiri"}


@book.finds("dismissal_without_separation")
def dismissal_finding(penalties: dict, on: date | None, type_: str) -> Warning | None:
    """A personnel action dated on or after a dismissal penalty, with no `Separated` recorded (PP 94/2021 art. 8)."""
    if on is None or type_ in ("Separated", "DisciplinaryPenaltyAnnulled", "DisciplinaryPenaltyAppealed"):
        return None
    for p in penalties.values():
        if p["kind"] in DISMISSALS and p["since"] <= on:
            return Warning("dismissal_without_separation",
                           f"{type_} on {on}, after the dismissal of {p['since']} with no separation recorded",
                           f"{type_} pada {on}, setelah pemberhentian {p['since']} tanpa pencatatan berhenti",
                           {"penalty_event_id": p["event_id"], "dismissed_from": p["since"], "on": on})
    return None


book.validation("penalty_end_after_start", "PP 94/2021", "art. 8", "A penalty ends on or after the day it began.",
                "Hukuman disiplin berakhir pada atau setelah tanggal mulainya.")
book.validation("demotion_needs_a_lower_grade", "PP 94/2021", "art. 8(4)",
                "A demotion lowers the grade one step: the lowest grade has none below it.",
                "Penurunan satu tingkat memerlukan golongan di bawahnya: golongan terendah tidak memilikinya.")
book.compliance("penalty_ended_early", "PP 94/2021", "art. 8", "warning",
                "A penalty with a period ends no earlier than its period (6, 9 or 12 months).",
                "Hukuman disiplin berjangka berakhir tidak lebih awal dari jangkanya (6, 9 atau 12 bulan).")

DEMOTIONS = {"penurunan_jabatan_12_bulan"}
RELIEFS = {"pembebasan_jabatan_pelaksana_12_bulan"}
RELIEF_POST = {"type": "pelaksana", "title": "Pelaksana"}


def lower_grade(grade: str, ladder: list[str]) -> str:
    """The grade one step below, for a demotion (PP 94/2021 art. 8(4)); refused at the bottom of the ladder."""
    idx = ladder.index(grade) if grade in ladder else -1
    if idx <= 0:
        raise RuleViolated("demotion_needs_a_lower_grade", f"{grade} has no grade below it to be demoted to",
                           f"{grade} tidak memiliki golongan di bawahnya untuk penurunan", field="data.kind")
    return ladder[idx - 1]


def check_penalty_end(since: date, ended: date) -> None:
    if ended < since:
        raise RuleViolated("penalty_end_after_start", f"the penalty began on {since}, after {ended}",
                           f"hukuman dimulai pada {since}, setelah {ended}", field="effective_date")


@book.finds("penalty_ended_early")
def ended_early_finding(kind: str, since: date, ended: date) -> Warning | None:
    """A penalty lifted before its period ran out (without annulment) is a finding (PP 94/2021 art. 8)."""
    due = penalty_end(kind, since)
    if due is None or ended >= due:
        return None
    return Warning("penalty_ended_early", f"the penalty {kind} of {since} ended on {ended}, before {due}",
                   f"hukuman {kind} sejak {since} diakhiri pada {ended}, sebelum {due}",
                   {"kind": kind, "since": since, "ended": ended, "due": due})


book.validation("penalty_has_a_period", "PP 94/2021", "art. 8", "Only a penalty with a period (a tukin cut, "
                "demotion or pembebasan) ends; the others are annulled.", "Hanya hukuman berjangka (pemotongan "
                "tukin, penurunan atau pembebasan) yang berakhir; yang lain dibatalkan.")


def check_has_period(kind: str) -> None:
    if kind not in PENALTY_MONTHS:
        raise RuleViolated("penalty_has_a_period", f"{kind} has no period to end; annul it by its own SK instead",
                           f"{kind} tidak berjangka untuk diakhiri; batalkan dengan SK tersendiri",
                           field="data.penalty_event_id")
