"""The per-unit predikat spread (PermenPANRB 6/2022): how employees' predikat may fall given the unit's achievement."""

from __future__ import annotations

from typing import Any

from ledger.rules.base import Warning
from ledger.rules import book

book.compliance("unit_predikat_spread", "PermenPANRB 6/2022", "pasal 42; lampiran (kurva distribusi)", "warning",
                "An Istimewa unit rates at most 70 % Sangat Baik; a Baik unit rates some Butuh Perbaikan or Kurang.",
                "Unit Istimewa paling banyak 70 % Sangat Baik; unit Baik memiliki sebagian Butuh Perbaikan atau Kurang.")
ISTIMEWA_SANGAT_BAIK_SHARE = 0.70


@book.finds("unit_predikat_spread")
def spread_finding(achievement: str, counts: dict[str, int] | None) -> Warning | None:
    """The spread the unit declared with its achievement, judged against the distribution guidance *(check)*."""
    if not counts:
        return None
    total = sum(counts.values())
    if total == 0:
        return None
    facts: dict[str, Any] = {"achievement": achievement, **counts, "total": total}
    if achievement == "istimewa" and counts.get("sangat_baik", 0) > ISTIMEWA_SANGAT_BAIK_SHARE * total:
        share = round(100 * counts["sangat_baik"] / total)
        return Warning("unit_predikat_spread", f"an Istimewa unit rated {share} % Sangat Baik, above 70 %",
                       f"unit Istimewa menilai {share} % Sangat Baik, di atas 70 %", facts)
    if achievement == "baik" and counts.get("butuh_perbaikan", 0) + counts.get("kurang", 0) == 0:
        return Warning("unit_predikat_spread", "a Baik unit rated nobody Butuh Perbaikan or Kurang",
                       "unit Baik tidak menilai seorang pun Butuh Perbaikan atau Kurang", facts)
    return None
