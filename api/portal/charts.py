"""Inline SVG charts drawn on the server: the portal works offline, with no script and no CDN.

Each chart is an accessible image (`role="img"`, a title and a description) and
every number it draws is also in a table beside it on the page. Suppressed values
(groups of fewer than 5 people) are drawn as a hatched stub labelled "< 5", never
as a zero-length bar. Charts are laid out for a phone: 360 units wide, drawn at
that width on a 390 px screen (text 13 px, so never under 12 px), each label on its
own line above its bar, long names wrapped rather than cut, bars sorted by value.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from markupsafe import Markup, escape

SUPPRESSED_LABEL = "< 5"
PALETTE = ["#1f5f8b", "#2e7d32", "#b26a00", "#8e2453", "#5d4a9c", "#00695c", "#6d4c41"]
WIDTH = 360  # viewBox units; the stylesheet draws a chart at most 30rem wide and at least its column's width
CHAR = 8.2  # a generous width of one character of 13 px text (DejaVu Sans capitals), so estimates never clip
VALUE_CHAR = 9.2  # the values are bold
LINE = 17


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


def by_value(bars: list[Bar]) -> list[Bar]:
    """Largest first; suppressed bars (an unknown 0 to 4) last; ties by label."""
    return sorted(bars, key=lambda b: (b.value is None, -(b.value or 0), b.label))


def wrap(text: str, width: float = WIDTH) -> list[str]:
    """Words into lines that fit `width` at 13 px; a word longer than a line is split, never cut."""
    most = max(4, int(width // CHAR))
    lines: list[str] = []
    for word in text.split():
        while len(word) > most:
            lines.append(word[:most])
            word = word[most:]
        if lines and len(lines[-1]) + 1 + len(word) <= most:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _label(x: float, y: float, lines: list[str]) -> str:
    if len(lines) == 1:
        return f'<text x="{x}" y="{y}" class="lbl">{escape(lines[0])}</text>'
    spans = "".join(f'<tspan x="{x}" dy="{0 if i == 0 else LINE}">{escape(s)}</tspan>' for i, s in enumerate(lines))
    return f'<text x="{x}" y="{y}" class="lbl">{spans}</text>'


def _svg(height: float, title: str, desc: str, body: list[str]) -> Markup:
    tid = f"c{zlib.crc32((title + desc).encode()):08x}"
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height:.0f}" '
            f'role="img" aria-labelledby="{tid}" preserveAspectRatio="xMinYMin meet">')
    meta = f'<title id="{tid}">{escape(title)}</title><desc>{escape(desc)}</desc>'
    pattern = ('<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
               'patternTransform="rotate(45)"><rect width="6" height="6" fill="#eee"/>'
               '<line x1="0" y1="0" x2="0" y2="6" stroke="#888" stroke-width="2"/></pattern></defs>')
    return Markup(head + meta + pattern + "".join(body) + "</svg>")


def hbar(bars: list[Bar], title: str, maximum: float | None = None, unit: str = "",
         color: str = PALETTE[0]) -> Markup:
    """Horizontal bars sorted by value, each under its label: long OPD names wrap instead of being cut."""
    bars = by_value(bars)
    room = max([VALUE_CHAR * len(b.shown + unit) for b in bars] + [30]) + 8
    plot = WIDTH - room
    top = max([b.value for b in bars if b.value is not None] + [maximum or 0, 1])
    body, y = [], 0.0
    for b in bars:
        lines = wrap(b.label)
        body.append(_label(2, y + 13, lines))
        y += LINE * len(lines)
        if b.value is None:
            body.append(f'<rect x="0" y="{y:.0f}" width="24" height="14" fill="url(#hatch)"/>')
            x_text = 30.0
        else:
            w = max(1.0, plot * b.value / top) if b.value > 0 else 0
            body.append(f'<rect x="0" y="{y:.0f}" width="{w:.1f}" height="14" fill="{color}"/>')
            x_text = w + 6
        body.append(f'<text x="{x_text:.1f}" y="{y + 12:.0f}" class="val">{escape(b.shown)}{escape(unit)}</text>')
        y += 24
    desc = "; ".join(f"{b.label}: {b.shown}{unit}" for b in bars)
    return _svg(max(y, LINE), title, desc, body)


def paired_bars(rows: list[tuple[str, float, float]], title: str, names: tuple[str, str]) -> Markup:
    """Two bars per row (e.g. budget allocated vs realised) on one scale, rows sorted by the first value."""
    rows = sorted(rows, key=lambda r: (-r[1], -r[2], r[0]))
    money = [f"Rp {format_number(v)}" for _, a, b in rows for v in (a, b)]
    plot = WIDTH - max([VALUE_CHAR * len(m) for m in money] + [30]) - 8
    top = max([max(a, b) for _, a, b in rows] + [1])
    body = [f'<rect x="0" y="3" width="12" height="12" fill="{PALETTE[0]}"/>'
            f'<text x="16" y="14" class="lbl">{escape(names[0])}</text>'
            f'<rect x="170" y="3" width="12" height="12" fill="{PALETTE[2]}"/>'
            f'<text x="186" y="14" class="lbl">{escape(names[1])}</text>']
    y = 26.0
    for label, a, b in rows:
        lines = wrap(label)
        body.append(_label(2, y + 13, lines))
        y += LINE * len(lines)
        for v, color in ((a, PALETTE[0]), (b, PALETTE[2])):
            w = plot * v / top
            body.append(f'<rect x="0" y="{y:.0f}" width="{w:.1f}" height="13" fill="{color}"/>'
                        f'<text x="{w + 6:.1f}" y="{y + 11:.0f}" class="val">Rp {format_number(v)}</text>')
            y += 16
        y += 8
    desc = "; ".join(f"{label}: {names[0]} Rp {format_number(a)}, {names[1]} Rp {format_number(b)}"
                     for label, a, b in rows)
    return _svg(y, title, desc, body)


def stacked_bar(parts: list[Bar], title: str) -> Markup:
    """One 100 % bar split into parts in their own order (predikat is a scale, not a ranking); the legend
    lists one part a line, suppressed parts with a hatched swatch."""
    bar_h = 26
    counted = sum(p.value for p in parts if p.value is not None) or 1
    free = WIDTH - 24 * sum(1 for p in parts if p.value is None)
    body, x = [], 0.0
    for i, p in enumerate(parts):
        if p.value is None:
            body.append(f'<rect x="{x:.1f}" y="0" width="24" height="{bar_h}" fill="url(#hatch)"/>')
            x += 24
        elif p.value > 0:
            w = free * p.value / counted
            body.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[i % len(PALETTE)]}"/>')
            x += w
    y = bar_h + 10
    for i, p in enumerate(parts):
        fill = "url(#hatch)" if p.value is None else PALETTE[i % len(PALETTE)]
        body.append(f'<rect x="0" y="{y}" width="12" height="12" fill="{fill}"/>'
                    f'<text x="18" y="{y + 11}" class="lbl">{escape(f"{p.label}: {p.shown}")}</text>')
        y += 20
    desc = "; ".join(f"{p.label}: {p.shown}" for p in parts)
    return _svg(y, title, desc, body)
