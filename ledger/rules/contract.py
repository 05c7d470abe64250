"""PPPK contracts (perjanjian kerja): their period, their renewal, and what happens past their end."""

from __future__ import annotations

from datetime import date, timedelta

from ledger.errors import RuleViolated
from ledger.rules.base import Warning, _add_years
from ledger.rules import book

book.validation("contract_for_pppk", "PP 49/2018", "art. 37", "Only a PPPK has a contract period; it ends after "
                "it begins.", "Hanya PPPK yang memiliki masa perjanjian kerja; masa itu berakhir setelah dimulai.")
book.compliance("pppk_contract_period", "PP 49/2018", "art. 37(1) (check)", "warning",
                "A PPPK contract runs at least 1 year (art. 37(1)) and at most 5 years (the 5-year ceiling is "
                "written for JPT in art. 37(5); for other posts it is the practice of the formation, to check).",
                "Perjanjian kerja PPPK paling singkat 1 tahun (pasal 37 ayat (1)) dan paling lama 5 tahun (batas 5 "
                "tahun tertulis untuk JPT pada pasal 37 ayat (5); untuk jabatan lain mengikuti praktik formasi, perlu dicek).")
book.compliance("action_after_contract_end", "PP 49/2018", "art. 53(1)a, 65(4)", "serious",
                "No personnel action on a PPPK past the contract's end without a renewal or a separation.",
                "Tidak ada tindakan kepegawaian atas PPPK setelah perjanjian kerja berakhir tanpa perpanjangan "
                "atau pemberhentian.")


def check_contract(employment_type: str, begins: date | None, ends: date | None, field: str) -> None:
    if ends is None:
        return
    if employment_type == "pns":
        raise RuleViolated("contract_for_pppk", "a PNS has no contract period", "PNS tidak memiliki masa "
                           "perjanjian kerja", field=field)
    if begins is not None and ends <= begins:
        raise RuleViolated("contract_for_pppk", f"the contract ends on {ends}, not after it begins on {begins}",
                           f"perjanjian kerja berakhir pada {ends}, tidak setelah dimulai pada {begins}", field=field)


@book.finds("pppk_contract_period")
def period_finding(begins: date | None, ends: date | None) -> Warning | None:
    """1 to 5 years a contract (PP 49/2018 art. 37); the last day counts, so a year ends the day before."""
    if begins is None or ends is None:
        return None
    shortest, longest = _add_years(begins, 1), _add_years(begins, 5)
    if shortest <= ends + timedelta(days=1) <= longest:
        return None
    return Warning("pppk_contract_period", f"a contract from {begins} to {ends} is not 1 to 5 years",
                   f"perjanjian kerja {begins} s.d. {ends} tidak 1 sampai 5 tahun", {"begins": begins, "ends": ends})


@book.finds("action_after_contract_end")
def expired_finding(ends: date | None, on: date | None, type_: str) -> Warning | None:
    """An action dated after a PPPK's contract ended, with neither a renewal nor a separation recorded."""
    if ends is None or on is None or on <= ends or type_ in ("Separated", "ContractRenewed"):
        return None
    return Warning("action_after_contract_end", f"{type_} on {on}, after the contract ended on {ends}",
                   f"{type_} pada {on}, setelah perjanjian kerja berakhir pada {ends}", {"contract_end": ends, "on": on})

