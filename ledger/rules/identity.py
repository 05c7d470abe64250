"""The NIP (Nomor Induk Pegawai) and the birth date it encodes."""

from __future__ import annotations

from datetime import date

from ledger.errors import RuleViolated


def _parse_ymd(digits: str) -> date | None:
    try:
        return date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def check_nip(nip: str, employment_type: str, field: str = "subject") -> date:
    """NIP (PNS): birth date + TMT CPNS month + gender + sequence (Perka BKN 22/2007).

    NI PPPK: 18 digits with the birth date first. Returns the birth date.
    """
    if len(nip) != 18 or not nip.isdigit():
        raise RuleViolated("nip_format", f"an NIP has 18 digits, got {nip!r}",
                           f"NIP terdiri dari 18 angka, diterima {nip!r}", field=field)
    born = _parse_ymd(nip[:8])
    if born is None:
        raise RuleViolated("nip_birth_date", f"digits 1-8 of {nip} are not a real birth date",
                           f"angka 1-8 dari {nip} bukan tanggal lahir yang sah", field=field)
    if employment_type != "pns":
        return born
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12:
        raise RuleViolated("nip_tmt_cpns", f"digits 9-14 of {nip} are not a real TMT CPNS month",
                           f"angka 9-14 dari {nip} bukan bulan TMT CPNS yang sah", field=field)
    adult = date(born.year + 18, born.month, 1)
    if date(year, month, 1) < adult:
        raise RuleViolated("nip_tmt_cpns", f"TMT CPNS {year}-{month:02d} in {nip} is before age 18",
                           f"TMT CPNS {year}-{month:02d} pada {nip} sebelum usia 18 tahun", field=field)
    if nip[14] not in "12":
        raise RuleViolated("nip_gender", f"digit 15 of {nip} must be 1 or 2",
                           f"angka ke-15 dari {nip} harus 1 atau 2", field=field)
    return born


def check_birth_date_matches(nip: str, birth_date: date, field: str = "data.birth_date") -> None:
    """The birth date given must be the one encoded in the NIP."""
    encoded = _parse_ymd(nip[:8])
    if encoded != birth_date:
        raise RuleViolated("nip_birth_date", f"birth date {birth_date} differs from {encoded} in the NIP",
                           f"tanggal lahir {birth_date} berbeda dengan {encoded} pada NIP", field=field)
