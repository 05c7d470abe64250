"""Separation: the retirement age, and no personnel action after an employee has left."""

from __future__ import annotations

from datetime import date

from ledger.errors import RuleViolated
from ledger.rules.base import Warning
from ledger.rules import book

book.validation("no_action_after_separation", "UU 20/2023", "art. 52", "No personnel action after separation "
                "except corrections and annulments.", "Tidak ada tindakan kepegawaian setelah berhenti kecuali koreksi dan pembatalan.")
book.compliance("action_past_bup", "UU 20/2023; PP 11/2017 (PP 17/2020)", "art. 55; art. 239", "serious",
                "No personnel action on a PNS past the retirement age of the post (58, 60 or 65; teachers 60).",
                "Tidak ada tindakan kepegawaian atas PNS yang melewati batas usia pensiun jabatannya (58, 60 atau 65; guru 60).")


def check_not_separated(separated: bool) -> None:
    """No personnel action after separation except corrections and annulments."""
    if separated:
        raise RuleViolated("no_action_after_separation",
                           "the employee has separated; only corrections and annulments are accepted",
                           "pegawai telah diberhentikan; hanya koreksi dan pembatalan yang diterima",
                           field="type")


def retirement_age(position_type: str | None, title: str | None = None) -> int:
    """Batas usia pensiun (UU 20/2023 art. 55; PP 11/2017 art. 239 as amended by PP 17/2020): 60 for JPT,
    JF ahli madya and teachers (guru, UU 14/2005), 65 for JF ahli utama, 58 for the rest."""
    if position_type == "jf_ahli_utama":
        return 65
    if position_type in {"jpt_utama", "jpt_madya", "jpt_pratama", "jf_ahli_madya"} or is_teacher(title):
        return 60
    return 58


def is_teacher(title: str | None) -> bool:
    """A teacher is known by the post's title: a JF guru (`Guru Ahli Muda`, `guru kelas`, ...)."""
    return title is not None and "guru" in title.lower().split()


def pension_date(born: date, age: int) -> date:
    """The first day past BUP: retirement takes effect on the 1st of the month after the birthday."""
    year, month = born.year + age, born.month + 1
    return date(year + 1, 1, 1) if month > 12 else date(year, month, 1)


@book.finds("action_past_bup")
def past_bup_finding(employment_type: str, born: date | None, position: dict | None, on: date | None,
                     type_: str) -> Warning | None:
    """A personnel action on a PNS on or after the first day past BUP is a finding (the retirement
    itself excepted): UU 20/2023 art. 55."""
    if employment_type != "pns" or born is None or on is None or type_ == "Separated":
        return None
    position = position or {}
    age = retirement_age(position.get("type"), position.get("title"))
    retire = pension_date(born, age)
    if on < retire:
        return None
    return Warning("action_past_bup", f"{type_} on {on}, on or after {retire}, past the BUP of {age} for this post",
                   f"{type_} pada {on}, pada atau setelah {retire}, melewati BUP {age} tahun jabatan ini",
                   {"birth_date": born, "bup": age, "retired_from": retire, "on": on})


book.validation("separation_kind_for_type", "UU 20/2023; PP 49/2018", "art. 52; art. 53(1)a, 54",
                "A PNS is not separated by a contract's end; a PPPK does not retire on a pension.",
                "PNS tidak berhenti karena berakhirnya perjanjian kerja; PPPK tidak pensiun.")
PNS_ONLY_SEPARATIONS = {"retired"}
PPPK_ONLY_SEPARATIONS = {"contract_ended"}


def check_separation_kind(kind: str, employment_type: str) -> None:
    """Separation kinds by employment type (UU 20/2023 art. 52; PP 49/2018 art. 52)."""
    wrong = PPPK_ONLY_SEPARATIONS if employment_type == "pns" else PNS_ONLY_SEPARATIONS
    if kind in wrong:
        who = "a PNS" if employment_type == "pns" else "a PPPK"
        raise RuleViolated("separation_kind_for_type", f"{kind!r} is not a separation of {who}",
                           f"{kind!r} bukan jenis pemberhentian {who.split()[1]}", field="data.kind")
