"""Leave (cuti): its kinds, who may take which, its dates and caps."""

from __future__ import annotations

from datetime import date

from ledger.errors import RuleViolated
from ledger.rules.base import _add_years

LEAVE_KINDS = ["tahunan", "besar", "sakit", "melahirkan", "alasan_penting", "bersama", "cltn"]
# PP 49/2018 art. 76: PPPK get annual, sick, maternity leave and cuti bersama only.
PPPK_LEAVE_KINDS = {"tahunan", "sakit", "melahirkan", "bersama"}


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
