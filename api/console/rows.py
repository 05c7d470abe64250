"""The timeline's table rows and the scatter's points as HTML, built in Python: a 1,000-event page spent
most of its time in Jinja's per-attribute lookups and nested loops (bench/console.py, cProfile)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape


def _or(value: Any, empty: str) -> Any:
    return empty if value is None else value


def _changes(changes: list[dict[str, Any]]) -> str:
    if not changes:
        return "—"
    items = []
    for c in changes:
        if c.get("withheld"):
            items.append(f'<li><code>{escape(c["field"])}</code>: <em>data pribadi, tidak ditampilkan</em></li>')
        else:
            items.append(f'<li><code>{escape(c["field"])}</code>: <del>{escape(_or(c["before"], "∅"))}</del> → '
                         f'<ins>{escape(_or(c["after"], "∅"))}</ins></li>')
    return '<ul class="diff">' + "".join(items) + "</ul>"


def _findings(e: dict[str, Any]) -> str:
    out = []
    for f in e["findings"]:
        text = f'<p class="finding"><code>{escape(f.get("rule"))}</code>'
        if f.get("severity"):
            text += f' ({escape(f["severity"])})'
        if f.get("regulation"):
            text += f' · {escape(f["regulation"])} {escape(f.get("article") or "")}'
        out.append(text + f': {escape(f.get("message_id") or f.get("message"))}</p>')
    for r in e.get("reviews") or ():
        out.append(f'<p class="reviewed" data-review="{escape(r["rule"])}">✔ <code>{escape(r["rule"])}</code> ditinjau '
                   f'oleh {escape(r["actor"])} ({r["at"].isoformat()[:10]}, #{r["position"]}): {escape(r["note"])}</p>')
    return "".join(out)


def _row(e: dict[str, Any], may_prove: bool) -> str:
    p = e["position"]
    late = e["backdated_days"]
    tmt = str(escape(e["effective_date"] or "—"))  # str: Markup + str would escape the markup added
    if late:
        tmt += f' <strong class="mark" data-backdated="{late}">⚠ surut {late} hari</strong>'
    kind = str(escape(e["type"])) + (" <small>(turunan)</small>" if e["derived"] else "")
    who = str(escape(e["actor"]))
    if e["on_behalf_of"]:
        who += f'<br>a.n. {escape(e["on_behalf_name"] or "")} ({escape(e["on_behalf_of"])})'
    if e["source"]:
        who += f'<br><small>sumber: {escape(e["source"])}</small>'
    basis = ""
    if e["legal_basis"]:
        basis = f'SK {escape(e["legal_basis"].get("number"))} tgl {escape(e["legal_basis"].get("date"))}'
    if e["reason"]:
        basis += f'<br>{escape(e["reason"])}'
    if may_prove:
        proof = (f'<button type="button" class="proof" data-position="{p}" data-event-id="{escape(e["event_id"])}" '
                 f'aria-controls="proof-{p}">Periksa bukti</button>'
                 f'<output class="proof-result" id="proof-{p}" aria-live="polite"></output>')
    else:
        proof = "<small>auditor</small>"
    cls = ' class="backdated-row"' if late else ""
    return (f'<tr id="p{p}" data-position="{p}"{cls}>\n    <td>{e["version"]}</td>\n'
            f'    <td>{escape(e["recorded_at"][:19].replace("T", " "))}</td>\n    <td>{tmt}</td>\n    <td>{kind}</td>\n'
            f'    <td>{_changes(e["changes"])}</td>\n    <td>{who}</td>\n    <td>{basis}</td>\n'
            f'    <td>{_findings(e)}</td>\n    <td>{proof}</td>\n  </tr>\n')


def timeline_rows(rows: list[dict[str, Any]], may_prove: bool) -> Markup:
    """Every row of the timeline table, escaped as the template escaped them."""
    return Markup("".join(_row(e, may_prove) for e in rows))


def points(chart: dict[str, Any]) -> Markup:
    """The scatter's circles: red and larger when backdated beyond the threshold."""
    return Markup("".join(
        f'<circle class="{"backdated" if p["backdated"] else "on-time"}" cx="{p["x"]}" cy="{p["y"]}" '
        f'r="{5 if p["backdated"] else 3}" data-position="{p["position"]}"/>' for p in chart["points"]))
