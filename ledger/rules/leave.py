"""Leave (cuti): its kinds, who may take which, its dates and caps."""

from __future__ import annotations

from datetime import date

from ledger.errors import RuleViolated
from ledger.rules.base import Warning, _add_years, months_later
from ledger.rules import book

CUTI = "PP 11/2017"
book.validation("leave_dates", CUTI, "art. 310", "A leave ends on or after its start.",
                "Cuti berakhir pada atau setelah tanggal mulainya.")
book.validation("leave_days", CUTI, "art. 310", "A leave counts 1 to its calendar days.",
                "Jumlah hari cuti antara 1 dan jumlah hari kalendernya.")
book.validation("leave_kind_for_pppk", "PP 49/2018", "art. 77", "PPPK get cuti tahunan, sakit, melahirkan and "
                "bersama only.", "PPPK hanya berhak atas cuti tahunan, sakit, melahirkan dan bersama.")
book.compliance("annual_leave_cap", "PP 11/2017; Perban BKN 24/2017", "art. 311(2), 313", "warning",
                "Cuti tahunan is 12 days; with carry-over at most 18 after one unused year, 24 after two or more.",
                "Cuti tahunan 12 hari; dengan penangguhan paling banyak 18 setelah satu tahun, 24 setelah dua tahun atau lebih.")
book.compliance("annual_leave_service", CUTI, "art. 311", "warning", "Cuti tahunan comes after 1 year of service.",
                "Cuti tahunan diberikan setelah masa kerja 1 tahun.")
book.compliance("important_reason_leave_cap", CUTI, "art. 330", "warning",
                "Cuti karena alasan penting lasts at most 1 month.", "Cuti karena alasan penting paling lama 1 bulan.")
book.compliance("long_leave_service", CUTI, "art. 316(1)", "warning", "Cuti besar needs 5 years of service.",
                "Cuti besar memerlukan masa kerja 5 tahun.")
book.compliance("long_leave_cap", CUTI, "art. 316(1)", "warning", "Cuti besar lasts at most 3 months.",
                "Cuti besar paling lama 3 bulan.")
book.compliance("sick_leave_cap", "PP 11/2017; PP 49/2018", "art. 320(4)-(5); art. 83(4)", "warning",
                "Cuti sakit lasts at most 1 year and 6 months (PPPK: 1 month).",
                "Cuti sakit paling lama 1 tahun 6 bulan (PPPK: 1 bulan).")
book.compliance("maternity_leave_cap", CUTI, "art. 325(3)", "warning", "Cuti melahirkan lasts at most 3 months.",
                "Cuti melahirkan paling lama 3 bulan.")
book.compliance("maternity_leave_female", CUTI, "art. 325", "serious",
                "Cuti melahirkan is granted to a woman (NIP digit 15 is 2).",
                "Cuti melahirkan diberikan kepada perempuan (angka ke-15 NIP adalah 2).")
book.compliance("cltn_service", CUTI, "art. 334(1)", "warning", "CLTN needs 5 years of service.",
                "CLTN memerlukan masa kerja 5 tahun.")
book.compliance("leave_overlap", CUTI, "art. 310", "serious",
                "A leave does not fall on days already on leave.",
                "Cuti tidak jatuh pada hari yang sudah dalam masa cuti.")
book.compliance("cltn_approval", CUTI, "art. 336(2)", "serious",
                "CLTN is granted only with the Kepala BKN's approval, named by its letter.",
                "CLTN diberikan hanya dengan persetujuan Kepala BKN, disebut dengan nomor suratnya.")
book.compliance("annual_leave_in_long_leave_year", CUTI, "art. 316", "warning",
                "No cuti tahunan in a year in which cuti besar is taken.",
                "Tidak ada cuti tahunan pada tahun yang sama dengan cuti besar.")
book.compliance("maternity_leave_child_order", CUTI, "art. 325", "warning",
                "Cuti melahirkan is for the first to the third child; from the fourth, cuti besar.",
                "Cuti melahirkan untuk anak pertama sampai ketiga; untuk anak keempat dan seterusnya, cuti besar.")
book.compliance("action_during_cltn", "PP 11/2017; UU 20/2023", "art. 335(1), 337; art. 53(1)c", "serious",
                "No training, evaluation or promotion while on CLTN.",
                "Tidak ada pelatihan, penilaian atau kenaikan pangkat selama CLTN.")

LEAVE_KINDS = ["tahunan", "besar", "sakit", "melahirkan", "alasan_penting", "bersama", "cltn"]
# PP 49/2018 art. 76: PPPK get annual, sick, maternity leave and cuti bersama only.
PPPK_LEAVE_KINDS = {"tahunan", "sakit", "melahirkan", "bersama"}


def check_leave(kind: str, employment_type: str, start: date, end: date, days: int) -> None:
    """What a leave cannot be: dates that do not hold its days, a kind PPPK do not have (PP 49/2018)."""
    check_leave_dates(start, end, days)
    if employment_type != "pns" and kind not in PPPK_LEAVE_KINDS:
        raise RuleViolated("leave_kind_for_pppk", f"PPPK do not get cuti {kind} (PP 49/2018)",
                           f"PPPK tidak berhak atas cuti {kind} (PP 49/2018)", field="data.kind")


def annual_allowance(year: int, taken: dict[int, int], service_start: date | None) -> int:
    """Cuti tahunan due in a year: 12, plus what was left of the year before (at most 6: 18 in all),
    or 24 after two or more years wholly unused (PP 11/2017 art. 312-313). A year counts as unused
    only when the employee was already due leave in it (1 year of service by its end)."""
    def due_in(y: int) -> bool:
        return service_start is not None and _add_years(service_start, 1) <= date(y, 12, 31)
    previous, before = taken.get(year - 1, 0), taken.get(year - 2, 0)
    if due_in(year - 2) and previous == 0 and before == 0:
        return 24
    if due_in(year - 1):
        return 12 + min(6, max(0, 12 - previous))
    return 12


@book.finds("annual_leave_cap", "annual_leave_service", "cltn_service", "important_reason_leave_cap", "long_leave_cap", "long_leave_service", "maternity_leave_cap", "maternity_leave_female", "sick_leave_cap")
def leave_findings(kind: str, employment_type: str, start: date, end: date, days: int, nip: str,
                   gender: str | None, taken: dict[int, int], service_start: date | None) -> list[Warning]:
    """Caps and prerequisites per kind of leave (PP 11/2017 art. 310-340; PP 49/2018 art. 76-80): each
    one broken is a finding, for the SK was issued and the leave taken."""
    out: list[Warning] = []
    span = (end - start).days + 1

    def find(rule: str, en: str, id_: str, **facts: object) -> None:
        out.append(Warning(rule, en, id_, {"kind": kind, "start_date": start, "end_date": end, **facts}))

    def served(years: int) -> bool:
        return service_start is not None and start >= _add_years(service_start, years)

    if kind == "tahunan":
        allowance, total = annual_allowance(start.year, taken, service_start), taken.get(start.year, 0) + days
        if total > allowance:
            find("annual_leave_cap", f"cuti tahunan in {start.year} would reach {total} days; {allowance} are due",
                 f"cuti tahunan {start.year} menjadi {total} hari; hak cuti {allowance} hari",
                 days_in_year=total, allowance=allowance)
        if not served(1):
            find("annual_leave_service", "cuti tahunan before 1 year of service",
                 "cuti tahunan sebelum masa kerja 1 tahun", service_start=service_start)
    elif kind == "alasan_penting" and span > 30:
        find("important_reason_leave_cap", f"cuti karena alasan penting of {span} days, above 1 month",
             f"cuti karena alasan penting {span} hari, melebihi 1 bulan", calendar_days=span)
    elif kind == "besar":
        if not served(5):
            find("long_leave_service", "cuti besar before 5 years of service",
                 "cuti besar sebelum masa kerja 5 tahun", service_start=service_start)
        if end > months_later(start, 3):
            find("long_leave_cap", f"cuti besar of {span} days, above 3 months",
                 f"cuti besar {span} hari, melebihi 3 bulan", calendar_days=span)
    elif kind == "sakit":
        pns = employment_type == "pns"
        if end > (months_later(_add_years(start, 1), 6) if pns else months_later(start, 1)):
            cap, cap_id = ("1 year and 6 months", "1 tahun 6 bulan") if pns else ("1 month (PPPK)", "1 bulan (PPPK)")
            find("sick_leave_cap", f"cuti sakit of {span} days, above {cap}",
                 f"cuti sakit {span} hari, melebihi {cap_id}", calendar_days=span)
    elif kind == "melahirkan":
        if end > months_later(start, 3):
            find("maternity_leave_cap", f"cuti melahirkan of {span} days, above 3 months",
                 f"cuti melahirkan {span} hari, melebihi 3 bulan", calendar_days=span)
        male = gender == "l" or (employment_type == "pns" and nip[14:15] == "1")
        if male:
            find("maternity_leave_female", "cuti melahirkan to a man (NIP digit 15 or gender says male)",
                 "cuti melahirkan kepada laki-laki (angka ke-15 NIP atau jenis kelamin)",
                 nip_digit_15=nip[14:15], gender=gender)
    elif kind == "cltn" and not served(5):
        find("cltn_service", "CLTN before 5 years of service", "CLTN sebelum masa kerja 5 tahun",
             service_start=service_start)
    return out


def check_leave_dates(start: date, end: date, days: int) -> None:
    """A leave ends on or after its start and counts no more days than it spans."""
    if end < start:
        raise RuleViolated("leave_dates", "end_date is before start_date",
                           "end_date sebelum start_date", field="data.end_date")
    if days <= 0 or days > (end - start).days + 1:
        raise RuleViolated("leave_days", f"days must be between 1 and the {(end - start).days + 1} calendar days of the leave",
                           f"jumlah hari harus antara 1 dan {(end - start).days + 1} hari kalender cuti", field="data.days")


@book.finds("leave_overlap")
def overlap_finding(periods: list[dict], start: date, end: date) -> Warning | None:
    """Two leaves on one day: both SKs were issued, so the second is recorded with this finding (PP 11/2017
    art. 310) and one of them is annulled by its own SK; refusing would leave an issued SK unrecorded."""
    for other in periods:
        if other["start"] <= end and start <= other["end"]:
            return Warning("leave_overlap", f"the leave {start} to {end} overlaps cuti {other['kind']} "
                           f"({other['start']} to {other['end']})", f"cuti {start} s.d. {end} bertumpuk dengan cuti "
                           f"{other['kind']} ({other['start']} s.d. {other['end']})",
                           {"start_date": start, "end_date": end, "other_event_id": other["event_id"],
                            "other_kind": other["kind"], "other_start": other["start"], "other_end": other["end"]})
    return None


@book.finds("annual_leave_in_long_leave_year", "cltn_approval", "maternity_leave_child_order")
def kind_rules_findings(kind: str, start: date, periods: list[dict], approval: str | None,
                        child_order: int | None) -> list[Warning]:
    """CLTN needs the Kepala BKN's approval (art. 333); no cuti tahunan in a cuti besar year (art. 316);
    cuti melahirkan for the first three children (art. 325)."""
    out: list[Warning] = []
    if kind == "cltn" and not approval:
        out.append(Warning("cltn_approval", "CLTN without the Kepala BKN's approval (approval_sk is missing)",
                           "CLTN tanpa persetujuan Kepala BKN (approval_sk tidak ada)", {"start_date": start}))
    other = {"tahunan": "besar", "besar": "tahunan"}.get(kind)
    clash = next((p for p in periods if p["kind"] == other and p["start"].year == start.year), None)
    if clash is not None:
        out.append(Warning("annual_leave_in_long_leave_year", f"cuti {kind} in {start.year}, a year with cuti {other}",
                           f"cuti {kind} pada {start.year}, tahun yang sama dengan cuti {other}",
                           {"year": start.year, "other_event_id": clash["event_id"]}))
    if kind == "melahirkan" and child_order is not None and child_order > 3:
        out.append(Warning("maternity_leave_child_order", f"cuti melahirkan for child number {child_order}",
                           f"cuti melahirkan untuk anak ke-{child_order}", {"child_order": child_order}))
    return out


@book.finds("action_during_cltn")
def cltn_finding(cltn: list[tuple[date, date]], on: date | None, what: str) -> Warning | None:
    """No service, pay, training, evaluation or promotion while on CLTN (PP 11/2017 art. 336)."""
    for start, end in cltn:
        if on is not None and start <= on <= end:
            return Warning("action_during_cltn", f"{what} on {on}, during CLTN ({start} to {end})",
                           f"{what} pada {on}, selama CLTN ({start} s.d. {end})",
                           {"on": on, "cltn_start": start, "cltn_end": end})
    return None
