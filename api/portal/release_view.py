"""Which release a page or a public JSON answer shows, and its figures: the portal reads releases only.

`?release=R-2025` (JSON) or `?rilis=R-2025` (pages) names one; a page's `?tahun=2025` picks that year's
annual release, or else the latest monthly one of that year; otherwise the latest release. The
figures are the release's content exactly as published: the JSON list is the stored text itself,
byte for byte, so its SHA-256 is the `content_hash` the ledger recorded.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ledger.errors import NotFound, ValidationFailed

RELEASE = r"R-[0-9]{4}(-[0-9]{2})?"
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]


def checked(release_id: str | None, name: str = "release") -> str | None:
    if release_id in (None, ""):
        return None
    if not re.fullmatch(RELEASE, release_id):
        raise ValidationFailed(f"{name}: a release id such as R-2025 or R-2026-08 (GET /v1/public/releases)",
                               field=name)
    return release_id


def chosen(engine: Any, release_id: str | None = None, year: int | None = None) -> tuple[dict[str, Any], str] | None:
    """The release item and its content text; NotFound for an unknown id; None when none is published."""
    from projections import queries

    if release_id is None and year is not None:
        found = queries.release_text(engine, f"R-{year}")
        if found is None:
            monthly = [r for r in queries.releases(engine, 0, 1000)[0] if r["period"].startswith(f"{year}-")]
            found = queries.release_text(engine, monthly[-1]["id"]) if monthly else None
        if found is None:
            raise NotFound(f"tahun: no release for {year}", field="tahun")
        return found
    found = queries.release_text(engine, release_id)
    if found is None and release_id is not None:
        raise NotFound(f"release: no release {release_id!r}", field="release")
    return found


def years(engine: Any) -> list[int]:
    """The years some release was published for: what the year selector offers."""
    from projections import queries

    items, after = queries.releases(engine, 0, 1000)
    while after is not None:
        more, after = queries.releases(engine, after, 1000)
        items += more
    return sorted({int(r["period"][:4]) for r in items})


def label(item: dict[str, Any]) -> str:
    """How a page names a release: "Rilis R-2026-08 (Agustus 2026)"."""
    period = item["period"]
    what = f"{MONTHS[int(period[5:]) - 1]} {period[:4]}" if len(period) == 7 else f"tahun {period}"
    return f"Rilis {item['id']} ({what})"


def figures(text: str) -> dict[str, Any]:
    return json.loads(text)


def unit_of(content: dict[str, Any], code: str) -> dict[str, Any]:
    found = next((u for u in content["items"] if u["code"] == code), None)
    if found is None:
        raise NotFound(f"code: no unit {code!r} in release {content['release']}", field="code")
    return found
