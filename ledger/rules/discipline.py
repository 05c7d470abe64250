"""Disciplinary penalties (PP 94/2021): the kinds allowed at each level."""

from __future__ import annotations

from ledger.errors import RuleViolated

# PP 94/2021 art. 8: kinds of disciplinary penalty per level.
PENALTY_KINDS = {
    "ringan": ["teguran_lisan", "teguran_tertulis", "pernyataan_tidak_puas_tertulis"],
    "sedang": ["pemotongan_tukin_25_6_bulan", "pemotongan_tukin_25_9_bulan",
               "pemotongan_tukin_25_12_bulan"],
    "berat": ["penurunan_jabatan_12_bulan", "pembebasan_jabatan_pelaksana_12_bulan",
              "pemberhentian_dengan_hormat_tidak_atas_permintaan_sendiri"],
}


def check_penalty_kind(level: str, kind: str) -> None:
    """Penalty kinds per level (PP 94/2021 art. 8)."""
    if kind not in PENALTY_KINDS[level]:
        raise RuleViolated("penalty_kind_for_level",
                           f"{kind!r} is not a {level} penalty (allowed: {', '.join(PENALTY_KINDS[level])})",
                           f"{kind!r} bukan hukuman disiplin tingkat {level}", field="data.kind")
