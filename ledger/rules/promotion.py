"""What a kenaikan pangkat expects before it: years in rank, the PAK of a JF, the diploma's ceiling, ujian dinas."""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.rules.base import Warning, _add_years
from ledger.rules import book
from ledger.rules.ranks import DIPLOMA_FIRST_GRADE, EDUCATION_LEVELS, PNS_GRADES

book.compliance("promotion_four_years_in_rank", "PP 99/2000", "art. 7; art. 13", "warning",
                "A regular or pilihan promotion comes at least 4 years after the last one (JF: 2 years).",
                "Kenaikan pangkat reguler atau pilihan paling cepat 4 tahun dalam pangkat terakhir (JF: 2 tahun).")
book.compliance("promotion_jf_pak", "PP 99/2000", "art. 13", "warning",
                "A JF's promotion names the credit-point assessment (PAK) it rests on.",
                "Kenaikan pangkat pejabat fungsional menyebut penetapan angka kredit (PAK) yang mendasarinya.")
book.compliance("promotion_education_ceiling", "PP 99/2000 (PP 12/2002)", "art. 8", "warning",
                "A regular promotion stays within the highest grade of the employee's diploma.",
                "Kenaikan pangkat reguler tidak melampaui pangkat tertinggi ijazah pegawai.")
book.compliance("promotion_ujian_dinas", "PP 99/2000", "art. 30 (check)", "warning",
                "Passing from II/d to III/a needs ujian dinas tingkat I; from III/d to IV/a, tingkat II.",
                "Kenaikan dari II/d ke III/a memerlukan ujian dinas tingkat I; dari III/d ke IV/a, tingkat II.")
book.compliance("penyesuaian_ijazah_recorded", "PP 99/2000", "art. 18", "warning",
                "KP penyesuaian ijazah rests on a diploma recorded in the education history before its TMT.",
                "KP penyesuaian ijazah didasarkan pada ijazah yang tercatat dalam riwayat pendidikan sebelum TMT.")

# PP 99/2000 art. 8 as amended by PP 12/2002: the highest grade a regular promotion reaches per diploma.
EDUCATION_CEILING = {"sd": "II/a", "sltp": "II/c", "slta": "III/b", "d1": "III/b", "d2": "III/b", "d3": "III/c",
                     "s1": "III/d", "d4": "III/d", "s2": "IV/a", "s3": "IV/b"}
# Ujian dinas (PP 99/2000): the level that crossing into a new golongan needs.
UJIAN_DINAS = {"III/a": "tingkat_i", "IV/a": "tingkat_ii"}
YEARS_IN_RANK = 4
JF_YEARS_IN_RANK = 2
RANKED_KINDS = {"reguler", "pilihan"}
# Free-text diplomas as recorded with older appointments ("SMA", "S1 Manajemen", "D-III").
_ALIASES = {"sma": "slta", "smk": "slta", "slta": "slta", "smp": "sltp", "sltp": "sltp", "sd": "sd",
            "d-i": "d1", "d-ii": "d2", "d-iii": "d3", "d-iv": "d4", "diii": "d3", "div": "d4"}


def education_level_of(text: Any) -> str | None:
    """The diploma level a free-text education names (its first word), or None when it names none."""
    if not isinstance(text, str) or not text.split():
        return None
    word = text.split()[0].lower().strip(".,")
    return word if word in EDUCATION_LEVELS else _ALIASES.get(word)


def highest_level(levels: list[str]) -> str | None:
    """The diploma whose first grade is highest (S3 over S2 over ... over SD)."""
    return max(levels, key=lambda lv: (PNS_GRADES.index(DIPLOMA_FIRST_GRADE[lv]), EDUCATION_LEVELS.index(lv)),
               default=None)


@book.finds("promotion_four_years_in_rank")
def years_in_rank_finding(kind: str, position_type: str | None, since: date | None, tmt: date) -> Warning | None:
    """At least 4 years in the last rank (JF: 2) before a regular or pilihan promotion (PP 99/2000 art. 7)."""
    if kind not in RANKED_KINDS or since is None:
        return None
    years = JF_YEARS_IN_RANK if (position_type or "").startswith("jf_") else YEARS_IN_RANK
    due = _add_years(since, years)
    if tmt >= due:
        return None
    return Warning("promotion_four_years_in_rank", f"promotion on {tmt}, before {years} years in rank (since {since})",
                   f"kenaikan pangkat pada {tmt}, belum {years} tahun dalam pangkat (sejak {since})",
                   {"in_rank_since": since, "years_needed": years, "due": due})


@book.finds("promotion_jf_pak")
def jf_pak_finding(kind: str, position_type: str | None, pak_number: str | None) -> Warning | None:
    """A JF rises on credit points: its promotion names the PAK (PP 99/2000 art. 13)."""
    if kind not in RANKED_KINDS or not (position_type or "").startswith("jf_") or pak_number:
        return None
    return Warning("promotion_jf_pak", "a JF promotion without a PAK (penetapan angka kredit)",
                   "kenaikan pangkat pejabat fungsional tanpa PAK (penetapan angka kredit)",
                   {"position_type": position_type})


@book.finds("promotion_education_ceiling")
def ceiling_finding(kind: str, level: str | None, to_grade: str) -> Warning | None:
    """A regular promotion beyond the diploma's highest grade (PP 99/2000 art. 8, PP 12/2002)."""
    if kind != "reguler" or level is None:
        return None
    ceiling = EDUCATION_CEILING[level]
    if PNS_GRADES.index(to_grade) <= PNS_GRADES.index(ceiling):
        return None
    return Warning("promotion_education_ceiling", f"a {level.upper()} diploma reaches {ceiling} by regular "
                   f"promotion, not {to_grade}", f"ijazah {level.upper()} mencapai paling tinggi {ceiling} melalui "
                   f"kenaikan pangkat reguler, bukan {to_grade}", {"education_level": level, "ceiling": ceiling,
                                                                 "to_grade": to_grade})


@book.finds("promotion_ujian_dinas")
def ujian_dinas_finding(kind: str, to_grade: str, passed: dict[str, date], tmt: date) -> Warning | None:
    """Crossing into golongan III or IV by a regular or pilihan promotion needs the ujian dinas passed first."""
    level = UJIAN_DINAS.get(to_grade)
    if kind not in RANKED_KINDS or level is None:
        return None
    on = passed.get(level)
    if on is not None and on <= tmt:
        return None
    return Warning("promotion_ujian_dinas", f"promotion to {to_grade} without ujian dinas {level} passed by {tmt}",
                   f"kenaikan pangkat ke {to_grade} tanpa lulus ujian dinas {level.replace('_', ' ')} "
                   f"sebelum {tmt}", {"to_grade": to_grade, "ujian_dinas": level, "passed_on": on})


@book.finds("penyesuaian_ijazah_recorded")
def diploma_recorded_finding(level: str | None, degrees: list[dict[str, Any]], tmt: date) -> Warning | None:
    """KP penyesuaian ijazah rests on a diploma the education history holds by its TMT (PP 99/2000 art. 18)."""
    held = [d for d in degrees if d["graduated_on"] <= tmt and (level is None or d["level"] == level)]
    if held:
        return None
    return Warning("penyesuaian_ijazah_recorded",
                   f"no {level.upper() + ' ' if level else ''}diploma in the education history by {tmt}",
                   f"tidak ada ijazah {level.upper() + ' ' if level else ''}dalam riwayat pendidikan sampai {tmt}",
                   {"education_level": level, "tmt": tmt})


def prerequisite_findings(state: dict[str, Any], data: dict[str, Any], tmt: date) -> list[Warning]:
    """Every prerequisite a promotion is judged against, from the employee's state before it."""
    kind, post = data["kind"], (state.get("position") or {}).get("type")
    since = state.get("last_promotion_on") or state.get("appointed_on")
    degrees = state.get("degrees", [])
    level = highest_level([d["level"] for d in degrees if d["graduated_on"] <= tmt]
                          + [lv for lv in [education_level_of(state.get("education"))] if lv])
    found = [years_in_rank_finding(kind, post, since, tmt), jf_pak_finding(kind, post, data.get("pak_number")),
             ceiling_finding(kind, level, data["to_grade"]),
             ujian_dinas_finding(kind, data["to_grade"], state.get("ujian_dinas", {}), tmt)]
    if kind == "penyesuaian_ijazah":
        found.append(diploma_recorded_finding(data.get("education_level"), degrees, tmt))
    return [f for f in found if f is not None]
