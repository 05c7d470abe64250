"""The NIP (Nomor Induk Pegawai) and the birth date it encodes."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from ledger.errors import RuleViolated
from ledger.rules.base import Warning
from ledger.rules import book

NIP_RULE = ("Perka BKN 22/2007", "art. 2")
book.validation("nip_format", *NIP_RULE, "An NIP or NI PPPK has 18 digits.", "NIP atau NI PPPK terdiri dari 18 angka.")
book.validation("nip_birth_date", *NIP_RULE, "Digits 1-8 are a real birth date, the one given with the appointment.",
                "Angka 1-8 adalah tanggal lahir yang sah, sama dengan yang diberikan saat pengangkatan.")
book.validation("nip_tmt_cpns", *NIP_RULE, "Digits 9-14 are a real TMT CPNS month, not before age 18.",
                "Angka 9-14 adalah bulan TMT CPNS yang sah, tidak sebelum usia 18 tahun.")
book.validation("nip_gender", *NIP_RULE, "Digit 15 of a PNS NIP is 1 (male) or 2 (female).",
                "Angka ke-15 NIP PNS adalah 1 (laki-laki) atau 2 (perempuan).")
book.compliance("nip_gender_matches", *NIP_RULE, "serious", "The gender given matches digit 15 of the NIP.",
                "Jenis kelamin yang diberikan sesuai dengan angka ke-15 NIP.")


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


@book.finds("nip_gender_matches")
def gender_finding(nip: str, employment_type: str, gender: str | None) -> Warning | None:
    """Digit 15 of a PNS NIP (1 male, 2 female) agrees with the gender given (Perka BKN 22/2007 art. 2)."""
    if employment_type != "pns" or gender is None:
        return None
    encoded = {"1": "l", "2": "p"}.get(nip[14])
    if encoded == gender:
        return None
    return Warning("nip_gender_matches", f"gender {gender!r} differs from digit 15 of the NIP ({nip[14]})",
                   f"jenis kelamin {gender!r} berbeda dengan angka ke-15 NIP ({nip[14]})",
                   {"gender": gender, "nip_digit_15": nip[14]})


@lru_cache(maxsize=1 << 16)  # every later event of an employee asks again (BUP, leave service): a city's NIPs
def born_of(nip: str) -> date | None:
    """The birth date digits 1-8 of an NIP or NI PPPK encode."""
    return _parse_ymd(nip[:8])


@lru_cache(maxsize=1 << 16)
def cpns_month(nip: str) -> date | None:
    """The TMT CPNS month digits 9-14 of a PNS NIP encode: where service counts from."""
    try:
        return date(int(nip[8:12]), int(nip[12:14]), 1)
    except ValueError:
        return None


book.compliance("nik_matches_nip", "UU 23/2006 (Adminduk); Perka BKN 22/2007", "art. 13; art. 2",
                "serious", "The NIK's date digits (7-12, day + 40 for a woman) agree with the NIP's birth date and sex.",
                "Angka tanggal NIK (7-12, tanggal + 40 untuk perempuan) sesuai dengan tanggal lahir dan jenis "
                "kelamin pada NIP.")


@book.finds("nik_matches_nip")
def nik_finding(nip: str, employment_type: str, nik: object, gender: str | None) -> Warning | None:
    """Digits 7-12 of a NIK are the birth date DDMMYY, the day plus 40 for a woman: they must agree with
    the NIP (and its sex digit, or the gender given). Runs on the plain NIK before it is committed; the
    finding names only which part differs, never the NIK."""
    if not isinstance(nik, str) or len(nik) != 16 or not nik.isdigit():
        return None
    born = born_of(nip)
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    parts = []
    if born is None or (day - 40 if female else day, month, yy) != (born.day, born.month, born.year % 100):
        parts.append("birth_date")
    sex = {"1": "l", "2": "p"}.get(nip[14]) if employment_type == "pns" else gender
    if sex is not None and (sex == "p") != female:
        parts.append("sex")
    if not parts:
        return None
    return Warning("nik_matches_nip", f"the NIK's {' and '.join(parts)} digits differ from the NIP",
                   f"angka {' dan '.join({'birth_date': 'tanggal lahir', 'sex': 'jenis kelamin'}[p] for p in parts)} "
                   "NIK berbeda dengan NIP", {"differs": parts})
