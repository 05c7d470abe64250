"""Separation: the retirement age, and no personnel action after an employee has left."""

from __future__ import annotations

from ledger.errors import RuleViolated


def check_not_separated(separated: bool) -> None:
    """No personnel action after separation except corrections and annulments."""
    if separated:
        raise RuleViolated("no_action_after_separation",
                           "the employee has separated; only corrections and annulments are accepted",
                           "pegawai telah diberhentikan; hanya koreksi dan pembatalan yang diterima",
                           field="type")


def retirement_age(position_type: str | None) -> int:
    """Batas usia pensiun (UU 20/2023; PP 11/2017 art. 239)."""
    if position_type in {"jpt_utama", "jpt_madya", "jpt_pratama", "jf_ahli_madya"}:
        return 60
    if position_type == "jf_ahli_utama":
        return 65
    return 58
