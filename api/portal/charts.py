"""Inline SVG charts drawn on the server: the portal works offline, with no script and no CDN.

Each chart is an accessible image (`role="img"`, a title and a description) and
every number it draws is also in a table beside it on the page. Suppressed values
(groups of fewer than 5 people) are drawn as a hatched stub labelled "< 5", never
as a zero-length bar.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from markupsafe import Markup, escape

SUPPRESSED_LABEL = "< 5"
PALETTE = ["#1f5f8b", "#2e7d32", "#b26a00", "#8e2453", "#5d4a9c", "#00695c", "#6d4c41"]


@dataclass(frozen=True)
class Bar:
    """One bar: a label, a value (None when suppressed) and how to print the value."""

    label: str
    value: float | None
    text: str | None = None

    @property
    def shown(self) -> str:
        if self.value is None:
            return SUPPRESSED_LABEL
        return self.text if self.text is not None else format_number(self.value)


def format_number(value: float) -> str:
    """Indonesian digit grouping: 1.234.567 and 12,5."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".")


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    tid = f"c{zlib.crc32((title + desc).encode()):08x}"
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
            f'width="100%" role="img" aria-labelledby="{tid}" preserveAspectRatio="xMinYMin meet">')
    meta = f'<title id="{tid}">{escape(title)}</title><desc>{escape(desc)}</desc>'
    pattern = ('<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
               'patternTransform="rotate(45)"><rect width="6" height="6" fill="#eee"/>'
               '<line x1="0" y1="0" x2="0" y2="6" stroke="#888" stroke-width="2"/></pattern></defs>')
    return Markup(head + meta + pattern + "".join(body) + "</svg>")


def hbar(bars: list[Bar], title: str, maximum: float | None = None, unit: str = "",
         color: str = PALETTE[0], label_width: int = 190) -> Markup:
    """Horizontal bars, one per row: suited to long OPD names."""
    row, width = 26, 640
    plot = width - label_width - 90
    top = max([b.value for b in bars if b.value is not None] + [maximum or 0, 1])
    body = []
    for i, b in enumerate(bars):
        y = i * row + 4
        body.append(f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end" class="lbl">'
                    f'{escape(_clip(b.label, 30))}</text>')
        if b.value is None:
            body.append(f'<rect x="{label_width}" y="{y + 2}" width="24" height="{row - 10}" fill="url(#hatch)"/>')
            x_text = label_width + 30
        else:
            w = max(1.0, plot * b.value / top) if b.value > 0 else 0
            body.append(f'<rect x="{label_width}" y="{y + 2}" width="{w:.1f}" height="{row - 10}" fill="{color}"/>')
            x_text = label_width + w + 6
        body.append(f'<text x="{x_text:.1f}" y="{y + 15}" class="val">{escape(b.shown)}{escape(unit)}</text>')
    height = max(row, len(bars) * row + 8)
    desc = "; ".join(f"{b.label}: {b.shown}{unit}" for b in bars)
    return _svg(width, height, title, desc, body)


def paired_bars(rows: list[tuple[str, float, float]], title: str, names: tuple[str, str],
                label_width: int = 190) -> Markup:
    """Two bars per row (e.g. budget allocated vs realised), sharing one scale."""
    row, width = 34, 640
    plot = width - label_width - 150
    top = max([max(a, b) for _, a, b in rows] + [1])
    body = [
        f'<rect x="{label_width}" y="4" width="12" height="10" fill="{PALETTE[0]}"/>'
        f'<text x="{label_width + 16}" y="13" class="lbl">{escape(names[0])}</text>'
        f'<rect x="{label_width + 150}" y="4" width="12" height="10" fill="{PALETTE[2]}"/>'
        f'<text x="{label_width + 166}" y="13" class="lbl">{escape(names[1])}</text>'
    ]
    for i, (label, a, b) in enumerate(rows):
        y = 22 + i * row
        body.append(f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" class="lbl">'
                    f'{escape(_clip(label, 30))}</text>')
        for j, (v, color) in enumerate(((a, PALETTE[0]), (b, PALETTE[2]))):
            w = plot * v / top
            yy = y + j * 13
            body.append(f'<rect x="{label_width}" y="{yy}" width="{w:.1f}" height="11" fill="{color}"/>')
            body.append(f'<text x="{label_width + w + 6:.1f}" y="{yy + 10}" class="val">'
                        f'Rp {format_number(v)}</text>')
    desc = "; ".join(f"{label}: {names[0]} Rp {format_number(a)}, {names[1]} Rp {format_number(b)}"
                     for label, a, b in rows)
    return _svg(width, 26 + len(rows) * row, title, desc, body)


def stacked_bar(parts: list[Bar], title: str) -> Markup:
    """One 100 % bar split into parts (e.g. predikat distribution); suppressed parts get a hatched slot."""
    width, height, bar_h = 640, 70, 28
    counted = sum(p.value for p in parts if p.value is not None) or 1
    slots = [p for p in parts if p.value is None]
    free = width - 24 * len(slots)
    body, x = [], 0.0
    for i, p in enumerate(parts):
        color = PALETTE[i % len(PALETTE)]
        if p.value is None:
            body.append(f'<rect x="{x:.1f}" y="0" width="24" height="{bar_h}" fill="url(#hatch)"/>')
            x += 24
        elif p.value > 0:
            w = free * p.value / counted
            body.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{bar_h}" fill="{color}"/>')
            x += w
    lx = 0
    for i, p in enumerate(parts):
        fill = "url(#hatch)" if p.value is None else PALETTE[i % len(PALETTE)]
        label = f"{p.label}: {p.shown}"
        body.append(f'<rect x="{lx}" y="{bar_h + 14}" width="10" height="10" fill="{fill}"/>'
                    f'<text x="{lx + 14}" y="{bar_h + 23}" class="lbl">{escape(label)}</text>')
        lx += 14 + 7 * len(label) + 16
    desc = "; ".join(f"{p.label}: {p.shown}" for p in parts)
    return _svg(max(width, lx), height, title, desc, body)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
