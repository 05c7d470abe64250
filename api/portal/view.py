"""What the portal pages and the public JSON show, built from the public read-model queries.

Suppressed values (groups under 5 people) are `None` here, shown as "< 5
(disembunyikan)" on pages and as `null` plus a `suppressed` list of field paths in
JSON, so no consumer can mistake them for zero.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from api.portal import charts, release_view
from api.portal.feedback import CLASSIFICATIONS
from ledger.errors import NotFound
from ledger.stream import WIB

POSITION_TYPES = {
    "jpt_utama": "JPT Utama", "jpt_madya": "JPT Madya", "jpt_pratama": "JPT Pratama",
    "administrator": "Administrator", "pengawas": "Pengawas", "pelaksana": "Pelaksana",
    "jf_ahli_pertama": "JF Ahli Pertama", "jf_ahli_muda": "JF Ahli Muda", "jf_ahli_madya": "JF Ahli Madya",
    "jf_ahli_utama": "JF Ahli Utama", "jf_pemula": "JF Pemula", "jf_terampil": "JF Terampil",
    "jf_mahir": "JF Mahir", "jf_penyelia": "JF Penyelia",
}
PREDIKAT = {"sangat_baik": "Sangat Baik", "baik": "Baik", "butuh_perbaikan": "Butuh Perbaikan",
            "kurang": "Kurang", "sangat_kurang": "Sangat Kurang"}
STATUS = {"received": "Diterima", "verified": "Diverifikasi", "dispositioned": "Didisposisikan ke OPD",
          "responded": "Ditanggapi", "closed": "Selesai", "rejected": "Ditolak"}


def angka(value: Any) -> str:
    return "–" if value is None else charts.format_number(value)


def persen(value: Any) -> str:
    return "–" if value is None else charts.format_number(round(float(value), 1)) + " %"


def waktu(value: Any) -> str:
    """A UTC moment as Binjai's local time (WIB)."""
    if value is None:
        return "–"
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB")


def tanggal(value: Any) -> str:
    """An ISO date as Indonesians write it: 02-12-2026."""
    return "–" if not value else date.fromisoformat(str(value)).strftime("%d-%m-%Y")


FILTERS = {
    "angka": angka, "persen": persen, "waktu": waktu, "tanggal": tanggal,
    "jabatan": lambda v: POSITION_TYPES.get(v, v), "predikat": lambda v: PREDIKAT.get(v, v),
    "klasifikasi": lambda v: CLASSIFICATIONS.get(v, v), "status_tiket": lambda v: STATUS.get(v, v),
}


# --- charts ------------------------------------------------------------------

def _predikat_chart(pr: dict[str, Any], where: str) -> Any:
    parts = [charts.Bar(PREDIKAT.get(p, p), n) for p, n in pr["counts"]]
    return charts.stacked_bar(parts, f"Sebaran predikat kinerja {pr['year']}, {where}")


def _type_chart(hc: dict[str, Any], where: str) -> Any:
    bars = [charts.Bar(POSITION_TYPES.get(t, t), n) for t, n in hc["by_position_type"]]
    return charts.hbar(bars, f"Jumlah ASN menurut jenis jabatan, {where}")


def city_charts(city: dict[str, Any]) -> dict[str, Any]:
    units = city["units"]
    return {
        "headcount_by_unit": charts.hbar([charts.Bar(u["name"], u["headcount"]["total"]) for u in units],
                                         "Jumlah ASN aktif per OPD"),
        "headcount_by_type": _type_chart(city["headcount"], "seluruh kota"),
        "training_by_unit": charts.hbar(
            [charts.Bar(u["name"], u["training"]["pct"],
                        None if u["training"]["pct"] is None else persen(u["training"]["pct"])) for u in units],
            f"Persentase PNS yang memenuhi 20 JP tahun {city['year']}, per OPD", maximum=100,
            color=charts.PALETTE[1]),
        "predikat": _predikat_chart(city["predikat"], "seluruh kota"),
        "budget": charts.paired_bars([(u["name"], u["budget"]["allocated"], u["budget"]["realised"]) for u in units],
                                     f"Anggaran pelatihan {city['year']} per OPD (Rupiah)",
                                     ("Dialokasikan", "Direalisasikan")),
    }


def unit_charts(unit: dict[str, Any]) -> dict[str, Any]:
    return {"headcount_by_type": _type_chart(unit["headcount"], unit["name"]),
            "predikat": _predikat_chart(unit["predikat"], unit["name"])}


# --- from the read model ------------------------------------------------------

def _n(value: Any) -> Any:
    """A published count, or None when the read model suppressed it (a group under 5)."""
    return None if isinstance(value, dict) and value.get("suppressed") else value


def _latest(section: dict[str, Any], year: int | None) -> int | None:
    if year is not None:
        return year
    years = sorted(int(y) for y in section if int(y) <= today().year)
    return years[-1] if years else None


def view(code: str, name: str | None, stats: dict[str, Any], year: int | None = None) -> dict[str, Any]:
    """One unit's (or the city's) stats as the templates read them; suppressed values are None."""
    hc = stats["headcount"]
    by_type = hc.get("by_position_type", {})
    if not isinstance(by_type, dict) or by_type.get("suppressed"):
        by_type = {}
    order = list(POSITION_TYPES) + sorted(set(by_type) - set(POSITION_TYPES))
    ty = _latest(stats["training"], year)
    tr = stats["training"].get(str(ty), {}) if ty is not None else {}
    people, met, below = (_n(tr.get("staff")), _n(tr.get("met_20_jp")), _n(tr.get("below_20_jp"))) \
        if not tr.get("suppressed") else (None, None, None)
    py = _latest(stats["predikat"], year)
    pr = stats["predikat"].get(str(py), {}) if py is not None else {}
    hidden = pr.get("suppressed") or not pr  # a monthly release has no predikat: nothing to show, not zeros
    counts = [(p, None if hidden else _n(pr.get(p, 0))) for p in PREDIKAT]
    by = _latest(stats["budget"], year)
    budgets = [{"year": int(y), "allocated": b["allocated"], "realised": b["realised"],
                "remaining": b["allocated"] - b["realised"]}
               for y, b in sorted(stats["budget"].items(), key=lambda kv: -int(kv[0]))]
    this = next((b for b in budgets if b["year"] == by), {"year": by, "allocated": 0, "realised": 0, "remaining": 0})
    fb = stats["feedback"]
    hours = _n(fb.get("median_response_hours"))
    return {
        "code": code, "name": name or code, "year": ty or by or today().year,
        "headcount": {"total": _n(hc["total"]),
                      "by_position_type": [(t, _n(by_type[t])) for t in order if t in by_type]},
        "training": {"year": ty or today().year, "people": people, "attained": met, "not_attained": below,
                     "pct": round(100 * met / people, 1) if people and met is not None and below is not None else None},
        "predikat": {"year": py or today().year, "counts": counts},
        "budget": this, "budgets": budgets,
        "feedback": {"total": _n(fb["total"]),
                     "by_classification": [(c, _n(v)) for c, v in sorted(_dist(fb.get("by_classification")).items())],
                     "by_status": [(st, _n(v)) for st, v in _dist(fb.get("by_status")).items()],
                     "median_response_hours": hours,
                     "median_suppressed": isinstance(fb.get("median_response_hours"), dict)},
    }


def _dist(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or value.get("suppressed"):
        return {}
    order = {k: i for i, k in enumerate(list(STATUS) + list(CLASSIFICATIONS))}
    return dict(sorted(value.items(), key=lambda kv: order.get(kv[0], 99)))


def city(engine: Any, year: int | None = None, release: str | None = None) -> dict[str, Any] | None:
    """The overview from one release (`release_view.chosen`): the city's figures plus each unit's; None when
    no release is published yet."""
    found = release_view.chosen(engine, release, year)
    if found is None:
        return None
    item, text = found
    content = release_view.figures(text)
    y = int(item["period"][:4])
    out = view("BINJAI", "Kota Binjai", content["city"], y)
    out["units"] = [view(u["code"], u.get("name"), u, y) for u in content["items"]]
    return {**out, **_release_context(engine, item, content, year)}


def unit(engine: Any, code: str, year: int | None = None, release: str | None = None) -> dict[str, Any]:
    found = release_view.chosen(engine, release, year)
    if found is None:
        raise NotFound("release: no release is published yet", field="release")
    item, text = found
    content = release_view.figures(text)
    u = release_view.unit_of(content, code)
    return {**view(u["code"], u.get("name"), u, int(item["period"][:4])),
            **_release_context(engine, item, content, year)}


def _release_context(engine: Any, item: dict[str, Any], content: dict[str, Any], chosen: int | None) -> dict[str, Any]:
    """What the page says about its release: which, as of when, monthly or annual, and the years to choose."""
    return {"release": {**item, "label": release_view.label(item), "as_of": content["as_of"]},
            "monthly": content.get("kind") == "monthly", "chosen_year": chosen,
            "years": release_view.years(engine)}


def unit_choices(engine: Any) -> list[dict[str, str]]:
    from projections import queries

    return sorted(({"code": u["code"], "name": u.get("name") or u["code"]} for u in queries.public_units(engine)),
                  key=lambda u: u["name"])


def ticket(engine: Any, number: str) -> dict[str, Any]:
    """A ticket's public side: status, step times, response; the read model holds no message or contact."""
    from projections import queries

    t = queries.feedback_ticket(engine, number)
    if t is None:
        raise NotFound(f"ticket: no ticket {number!r}", field="ticket")
    unit_row = queries.public_unit(engine, t["unit"]) if t.get("unit") else None
    return {**t, "unit_name": (unit_row or {}).get("name") or t.get("unit"),
            "step_list": [{"status": s, "at": at} for s, at in sorted(t["steps"].items(), key=lambda kv: kv[1])]}


# --- JSON --------------------------------------------------------------------

PUBLIC_SECTIONS = ("code", "name", "headcount", "training", "predikat", "budget", "feedback")
TICKET_FIELDS = ("ticket", "status", "classification", "unit", "steps", "verification_due",
                 "verification_working_days", "verification_breached", "response_hours", "response")


def unit_json(raw: dict[str, Any]) -> dict[str, Any]:
    """A unit's aggregates exactly as the read model publishes them ({"suppressed": true} for small groups)."""
    return {k: raw.get(k) for k in PUBLIC_SECTIONS}


def units_json(engine: Any, release: str | None = None) -> str | dict[str, Any]:
    """The release's content text exactly as published (its SHA-256 is the recorded content_hash), or an
    empty answer when no release is published yet."""
    found = release_view.chosen(engine, release)
    if found is None:
        return {"items": [], "next_cursor": None, "city": None, "release": None}
    return found[1]


def unit_json_for(engine: Any, code: str, release: str | None = None) -> dict[str, Any]:
    found = release_view.chosen(engine, release)
    if found is None:
        raise NotFound("release: no release is published yet", field="release")
    return {**unit_json(release_view.unit_of(release_view.figures(found[1]), code)), "release": found[0]["id"]}


def ticket_json(t: dict[str, Any]) -> dict[str, Any]:
    return {k: t.get(k) for k in TICKET_FIELDS}


def today() -> date:
    return datetime.now(WIB).date()
