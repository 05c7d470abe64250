"""Indonesian (North Sumatran) personal names, so the demo roster reads like Binjai's."""

from __future__ import annotations

import random

MALE = [
    "Ahmad", "Muhammad", "Rizky", "Budi", "Agus", "Hendra", "Dedi", "Joko", "Andi", "Fajar",
    "Hadi", "Irwan", "Rahmat", "Syahrial", "Taufik", "Zulkifli", "Yusuf", "Bambang", "Eko", "Heru",
    "Ilham", "Arif", "Dimas", "Gilang", "Rudi", "Sutrisno", "Wahyu", "Firman", "Reza", "Doni",
    "Ferry", "Hasan", "Iskandar", "Khairul", "Lukman", "Mulyadi", "Nasrul", "Putra", "Ridwan", "Sahat",
]
FEMALE = [
    "Siti", "Nur", "Dewi", "Sri", "Rina", "Yuni", "Fitri", "Lestari", "Indah", "Ratna",
    "Wulan", "Ayu", "Putri", "Rahmawati", "Nurhayati", "Suryani", "Fatimah", "Aisyah", "Maya", "Dian",
    "Novi", "Eka", "Lina", "Mega", "Ani", "Yanti", "Sari", "Erna", "Juli", "Rosmawati",
    "Hotmaida", "Roslina", "Tiurma", "Desi", "Nurul", "Wahyuni", "Zahra", "Intan", "Kartika", "Melati",
]
MIDDLE = ["", "", "", "Nur", "Dwi", "Tri", "Eka", "Adi", "Sri", "Putra", "Putri", "Indra", "Dewi"]
FAMILY = [
    "Siregar", "Nasution", "Lubis", "Harahap", "Sitepu", "Ginting", "Tarigan", "Sembiring", "Karo-Karo",
    "Simanjuntak", "Sinaga", "Hutapea", "Pane", "Batubara", "Daulay", "Pohan", "Rangkuti", "Hasibuan",
    "Purba", "Saragih", "Damanik", "Manurung", "Situmorang", "Pardede", "Surbakti", "Perangin-angin",
    "Sinulingga", "Barus", "Tambunan", "Matondang", "Hidayat", "Saputra", "Wijaya", "Kurniawan",
    "Setiawan", "Pratama", "Santoso", "Rahman", "Hakim", "Syahputra", "Gunawan", "Susanto", "Siahaan",
]
TITLES_BY_EDUCATION = {"SMA": ("", ""), "D3": ("", ", A.Md."), "S1": ("", ", S.E."), "S2": ("", ", M.Si.")}
S1_TITLES = [", S.E.", ", S.Pd.", ", S.H.", ", S.Kom.", ", S.Sos.", ", S.Kep.", ", S.T.", ", S.AP.", ", S.Ak."]
S2_TITLES = [", M.Si.", ", M.Pd.", ", M.M.", ", M.H.", ", M.Kes.", ", M.AP."]


def person_name(rng: random.Random, gender: str, education: str) -> str:
    """A full name with the academic title an SK would print."""
    first = rng.choice(MALE if gender == "l" else FEMALE)
    middle = rng.choice(MIDDLE)
    family = rng.choice(FAMILY)
    name = " ".join(p for p in (first, middle, family) if p)
    if education == "S1":
        name += rng.choice(S1_TITLES)
    elif education == "S2":
        name += rng.choice(S1_TITLES) + rng.choice(S2_TITLES)
    elif education == "D3":
        name += ", A.Md."
    return name


INSTITUTIONS = [
    "Universitas Sumatera Utara", "Universitas Negeri Medan", "Politeknik Negeri Medan",
    "UIN Sumatera Utara", "Universitas Muhammadiyah Sumatera Utara", "Universitas Medan Area",
    "Universitas HKBP Nommensen", "STIKes Binjai", "Universitas Prima Indonesia", "SMK Negeri 1 Binjai",
    "SMK Negeri 2 Binjai", "Politeknik Kesehatan Kemenkes Medan",
]
