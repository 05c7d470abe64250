"""CPNS to PNS (PP 11/2017 as amended by PP 17/2020): a year's probation and Latsar before the appointment."""

from __future__ import annotations

from datetime import date

from ledger.errors import RuleViolated
from ledger.rules.base import Warning, _add_years
from ledger.rules import book

book.validation("confirmation_of_a_cpns", "PP 11/2017", "art. 36(2)", "Only a CPNS not yet appointed PNS is "
                "appointed PNS, on or after the CPNS TMT.", "Hanya CPNS yang belum diangkat PNS yang diangkat menjadi "
                "PNS, pada atau setelah TMT CPNS.")
book.compliance("cpns_probation_year", "PP 11/2017 (PP 17/2020)", "art. 34", "warning",
                "A CPNS serves a probation of at least 1 year before being appointed PNS.",
                "CPNS menjalani masa percobaan paling singkat 1 tahun sebelum diangkat menjadi PNS.")
book.compliance("pns_without_latsar", "PP 11/2017 (PP 17/2020)", "art. 34-36", "serious",
                "A CPNS is appointed PNS only after passing Latsar (pelatihan dasar).",
                "CPNS diangkat menjadi PNS setelah lulus Latsar (pelatihan dasar).")


def check_confirmation(candidate: bool, confirmed: date | None, appointed: date | None, tmt: date) -> None:
    if not candidate or confirmed is not None:
        why = "was never a CPNS" if not candidate else f"was already appointed PNS on {confirmed}"
        why_id = "tidak pernah berstatus CPNS" if not candidate else f"sudah diangkat PNS pada {confirmed}"
        raise RuleViolated("confirmation_of_a_cpns", f"the employee {why}", f"pegawai {why_id}", field="type")
    if appointed is not None and tmt < appointed:
        raise RuleViolated("confirmation_of_a_cpns", f"the PNS TMT {tmt} is before the CPNS TMT {appointed}",
                           f"TMT PNS {tmt} sebelum TMT CPNS {appointed}", field="effective_date")


@book.finds("cpns_probation_year")
def probation_finding(appointed: date | None, tmt: date) -> Warning | None:
    if appointed is None or tmt >= _add_years(appointed, 1):
        return None
    return Warning("cpns_probation_year", f"appointed PNS on {tmt}, before a year of probation since {appointed}",
                   f"diangkat PNS pada {tmt}, sebelum masa percobaan 1 tahun sejak {appointed}",
                   {"cpns_tmt": appointed, "pns_tmt": tmt})


@book.finds("pns_without_latsar")
def latsar_finding(completed_on: date | None, tmt: date) -> Warning | None:
    if completed_on is not None and completed_on <= tmt:
        return None
    return Warning("pns_without_latsar", f"appointed PNS on {tmt} without Latsar passed by then",
                   f"diangkat PNS pada {tmt} tanpa lulus Latsar sebelumnya", {"latsar_completed_on": completed_on})
