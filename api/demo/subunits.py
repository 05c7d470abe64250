"""Kelurahan under each kecamatan, puskesmas under the Dinas Kesehatan and UPTD under two dinas: a pengawas
heads each, and the staff seated in it are evaluated by that head (PermenPANRB 6/2022)."""

from __future__ import annotations

import random
from datetime import date

from api.demo.people import Person

KELURAHAN = {"KEC-BINJAI-KOTA": ["Kartini", "Pekan Binjai", "Tangsi", "Setia", "Berngam", "Satria", "Binjai"],
             "KEC-BINJAI-UTARA": ["Jati Utomo", "Cengkeh Turi", "Nangka", "Jati Karya", "Kebun Lada", "Damai"],
             "KEC-BINJAI-SELATAN": ["Tanah Merah", "Rambung Barat", "Rambung Timur", "Pujidadi", "Bhakti Karya"],
             "KEC-BINJAI-TIMUR": ["Sumber Karya", "Sumber Mulyorejo", "Timbang Langkat", "Tunggorono", "Dataran Tinggi"],
             "KEC-BINJAI-BARAT": ["Limau Sundai", "Limau Mungkur", "Bandar Senembah", "Payaroba", "Suka Ramai"]}
PUSKESMAS = ["Binjai Kota", "Kebun Lada", "Tanah Tinggi", "Sentosa Baru", "Rambung", "Satria", "Mencirim",
             "Pujidadi", "Bandar Senembah"]
UPTD = {"DISHUB": [("TERMINAL", "UPTD Terminal Tipe B Binjai")],
        "DLH": [("PERSAMPAHAN", "UPTD Pengelolaan Persampahan"), ("LAB-LH", "UPTD Laboratorium Lingkungan")]}
SEATED_POSTS = {"pelaksana", "jf_terampil", "jf_mahir", "jf_ahli_pertama"}  # evaluated by a pengawas


def plans() -> list[tuple[str, str, str, str, str]]:
    """(parent, code, name, kind, head title) of every sub-unit."""
    out = []
    for parent, names in KELURAHAN.items():
        out += [(parent, f"KEL-{n.upper().replace(' ', '-')}", f"Kelurahan {n}", "kelurahan", f"Lurah {n}")
                for n in names]
    out += [("DINKES", f"PKM-{n.upper().replace(' ', '-')}", f"UPT Puskesmas {n}", "puskesmas",
             f"Kepala UPT Puskesmas {n}") for n in PUSKESMAS]
    out += [(parent, f"UPTD-{code}", name, "uptd", f"Kepala {name}") for parent, items in UPTD.items()
            for code, name in items]
    return out


def place(rng: random.Random, people: list[Person], org: dict[str, dict[str, list[str]]],
          serving_until: date) -> list[tuple[str, str, str, str]]:
    """Give each sub-unit a serving pengawas of its parent as head (one who stays past `serving_until`) and
    seat part of the parent's staff in it; returns (code, name, kind, parent) of the sub-units opened."""
    by_nip = {p.nip: p for p in people}
    opened = []
    for parent, code, name, kind, title in plans():
        if parent not in org:
            continue
        heads = [by_nip[n] for n in org[parent]["pengawas"] if n in by_nip and by_nip[n].stop is None
                 and not by_nip[n].school and by_nip[n].birth.replace(year=by_nip[n].birth.year + 58) > serving_until]
        if not heads:
            continue
        head = heads[0]
        head.school, head.title = code, title
        head.flags["no_transfer"] = True
        org[code] = {"head": [head.nip], "admin": [], "pengawas": []}
        opened.append((code, name, kind, parent))
    by_parent: dict[str, list[str]] = {}
    for code, _, _, parent in opened:
        by_parent.setdefault(parent, []).append(code)
    for p in people:
        codes = by_parent.get(p.unit)
        if codes and p.role == "staff" and not p.school and p.post in SEATED_POSTS and rng.random() < 0.6:
            p.school = rng.choice(codes)
            p.flags["seated"] = p.flags["no_transfer"] = True
    return opened


def registrations(opened: list[tuple[str, str, str, str]]) -> list[dict]:
    """Each sub-unit registered under its OPD."""
    return [{"type": "UnitRegistered", "subject": code, "data": {"name": name, "kind": kind, "parent": parent}}
            for code, name, kind, parent in opened]
