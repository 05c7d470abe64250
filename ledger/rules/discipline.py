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
book.compliance("promotion_during_penalty", "PP 94/2021; PP 99/2000", "art. 29; art. 20", "serious",
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


def running_penalty_finding(penalties: dict, on: date | None) -> Warning | None:
    """No promotion (nor KGB) while a disciplinary penalty runs (PP 94/2021 art. 29; PP 99/2000 art. 20)."""
    if on is None:
        return None
    for p in penalties.values():
        end = penalty_end(p["kind"], p["since"])
        if end is not None and p["since"] <= on < end:
            return Warning("promotion_during_penalty",
                           f"promotion on {on} while the penalty {p['kind']} runs ({p['since']} to {end})",
                           f"kenaikan pangkat pada {on} saat hukuman {p['kind']} berjalan ({p['since']} s.d. {end})",
                           {"penalty_event_id": p["event_id"], "kind": p["kind"], "since": p["since"], "until": end})
    return None


DISMISSALS = {"pemberhentian_dengan_hormat_tidak_atas_permintaan_sendiri"}


def dismissal_finding(penalties: dict, on: date | None, type_: str) -> Warning | None:
    """A personnel action dated on or after a dismissal penalty, with no `Separated` recorded (PP 94/2021 art. 8)."""
    if on is None or type_ in ("Separated", "DisciplinaryPenaltyAnnulled"):
        return None
    for p in penalties.values():
        if p["kind"] in DISMISSALS and p["since"] <= on:
            return Warning("dismissal_without_separation",
                           f"{type_} on {on}, after the dismissal of {p['since']} with no separation recorded",
                           f"{type_} pada {on}, setelah pemberhentian {p['since']} tanpa pencatatan berhenti",
                           {"penalty_event_id": p["event_id"], "dismissed_from": p["since"], "on": on})
    return None
