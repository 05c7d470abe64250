"""Event bodies for the fuzz, generated from the JSON Schemas that `GET /v1/event-types` serves.

`Generator.valid(draw, type)` builds a body inside every declared field type (with hints that
steer values towards registered units, grades and known events, still within the type);
`mutate(draw, body, schema)` breaks exactly one field of it and says which, in the API's own
path notation (`data.results[0].target`, `legal_basis.date`).
"""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any, Callable

from hypothesis import strategies as st

from ledger import rules
from ledger.fields import HIDDEN_RANGES, LINE, TEXT

UNITS = ["DINKES", "BKPSDM"]
UNIT_FIELDS = {"unit", "from_unit", "to_unit", "funding_unit", "host_unit"}
GRADE_FIELDS = {"grade", "from_grade", "to_grade"}
EVENT_ID_FIELDS = {"event_id", "evaluation_event_id", "penalty_event_id", "training_event_id"}
TEXT_CAP = 40  # longer strings come from the exact-maxLength branch, not from every draw


def ecma(pattern: str) -> str:
    """JSON Schema patterns are ECMA-262: `\\d` is an ASCII digit, not any Unicode digit."""
    return pattern.replace(r"\d", "[0-9]")


def fresh_nip(draw: Callable[[Any], Any]) -> str:
    """A NIP whose embedded birth date, CPNS TMT and gender digit are real (rules/nip_*)."""
    born = draw(st.dates(date(1965, 1, 1), date(2000, 12, 31)))
    tmt_year = draw(st.integers(born.year + 19, min(born.year + 35, 2025)))
    return (f"{born:%Y%m%d}{tmt_year}{draw(st.integers(1, 12)):02d}{draw(st.sampled_from('12'))}"
            f"{draw(st.integers(1, 999)):03d}")


def strategy(schema: dict[str, Any], name: str = "", known: dict[str, list[Any]] | None = None) -> Any:
    """Values inside `schema`; for fields named like units, grades or event ids, sometimes a known one."""
    known = known or {}
    base = _strategy(schema, known)
    hint = None
    if name in UNIT_FIELDS and "pattern" in schema:
        hint = st.sampled_from(UNITS)
    elif name in GRADE_FIELDS:
        hint = st.sampled_from(rules.PNS_GRADES + rules.PPPK_GRADES)
    elif name in EVENT_ID_FIELDS and known.get("event_ids"):
        hint = st.sampled_from(known["event_ids"])
    elif name in ("evaluator", "evaluator_superior") and known.get("nips"):
        hint = st.sampled_from(known["nips"])
    return st.one_of(hint, base) if hint is not None else base


def _strategy(schema: dict[str, Any], known: dict[str, list[Any]]) -> Any:
    if "oneOf" in schema:  # an evaluator: a NIP or a named official {name, title}
        return st.one_of(*[_strategy(s, known) for s in schema["oneOf"]])
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "string":
        lo, hi = schema.get("minLength", 0), schema.get("maxLength", 500)
        if schema.get("format") == "date":
            return st.dates(date(1950, 1, 1), date(2100, 12, 31)).map(date.isoformat)
        if schema.get("format") == "uuid":
            return st.uuids().map(str)
        if schema.get("pattern") in (TEXT, LINE):  # any text people can read, up to the exact maximum length
            hidden = re.compile(f"[{HIDDEN_RANGES}" + ("\\t\\n\\r]" if schema["pattern"] == LINE else "]"))
            text = st.characters(blacklist_categories=("Cs",)).filter(lambda c: not hidden.match(c))
            return st.one_of(st.text(text, min_size=lo, max_size=min(hi, TEXT_CAP)),
                             st.text(text, min_size=hi, max_size=hi))
        if "pattern" in schema:
            return st.from_regex(ecma(schema["pattern"]), fullmatch=True).filter(lambda s: lo <= len(s) <= hi)
        return st.one_of(st.text(min_size=lo, max_size=min(hi, TEXT_CAP)), st.text(min_size=hi, max_size=hi))
    if kind == "integer":
        lo, hi = schema.get("minimum"), schema.get("maximum")
        return st.one_of(st.integers(lo, hi), *[st.just(v) for v in (lo, hi) if v is not None])
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        return st.lists(strategy(schema["items"], known=known), min_size=schema.get("minItems", 0),
                        max_size=min(schema.get("maxItems", 3), 3))
    if kind == "object":
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {k: strategy(s, k, known) for k, s in props.items() if k in required},
            optional={k: strategy(s, k, known) for k, s in props.items() if k not in required})
    raise AssertionError(f"the fuzz does not know JSON Schema {schema}")


# --- one broken field ----------------------------------------------------------------------------

def _breakers(schema: dict[str, Any], value: Any) -> list[tuple[str, Any]]:
    """(how, broken value) pairs, each outside `schema` while everything around it stays valid."""
    kind = schema.get("type")
    out: list[tuple[str, Any]] = []
    if "oneOf" in schema:
        return [("a number for any of the alternatives", 12345), ("a list for any of the alternatives", ["x"])]
    if "const" in schema:
        return [("unknown type", "NoSuchEvent"), ("type not a string", 7)]
    if "enum" in schema:
        return [("outside the enumeration", "zz_not_listed"), ("enumeration given a number", 3)]
    if kind == "string":
        out += [("a number for a string", 12345), ("a list for a string", ["x"])]
        if schema.get("minLength", 0) >= 1:
            out.append(("empty string", ""))
        if "maxLength" in schema:
            out.append(("one character too long", "9" * (schema["maxLength"] + 1)))
        if schema.get("format") == "date":
            out += [("impossible date", "2025-02-30"), ("day-month-year date", "01-04-2025")]
        if schema.get("format") == "uuid":
            out.append(("not a uuid", "not-a-uuid"))
        if schema.get("pattern") in (TEXT, LINE):
            out.append(("a NUL character inside", f"{value}\x00" if isinstance(value, str) else "\x00"))
            out.append(("a bidi override inside", f"{value}\u202e" if isinstance(value, str) else "\u202e"))
        elif "pattern" in schema:
            out.append(("outside the pattern", " !"))
            if r"\d" in schema["pattern"] and isinstance(value, str):
                out.append(("Unicode digits where the pattern says \\d",
                            re.sub(r"[0-9]", lambda m: chr(0x0660 + int(m.group())), value)))
    elif kind == "integer":
        out += [("a string for an integer", "12"), ("a fraction for an integer", 1.5),
                ("a boolean for an integer", True)]
        if "minimum" in schema:
            out.append(("below the minimum", schema["minimum"] - 1))
        if "maximum" in schema:
            out.append(("above the maximum", schema["maximum"] + 1))
    elif kind == "boolean":
        out += [("a string for a boolean", "true"), ("a number for a boolean", 1)]
    elif kind == "array":
        out += [("an object for a list", {}), ("too many items", [value[0]] * (schema.get("maxItems", 100) + 1))
                if value else ("a string for a list", "x")]
        if schema.get("minItems", 0) >= 1:
            out.append(("too few items", []))
    elif kind == "object":
        out += [("a list for an object", []), ("a string for an object", "x")]
    return out


def _targets(schema: dict[str, Any], value: Any, path: str) -> list[tuple[str, dict[str, Any], list[Any]]]:
    """Every (API path, schema, location) in a valid value that a mutation may break."""
    found: list[tuple[str, dict[str, Any], list[Any]]] = []

    def walk(s: dict[str, Any], v: Any, p: str, loc: list[Any]) -> None:
        found.append((p, s, loc))
        if s.get("type") == "object" and isinstance(v, dict):
            for k, sub in s.get("properties", {}).items():
                if k in v:
                    walk(sub, v[k], f"{p}.{k}" if p else k, loc + [k])
        elif s.get("type") == "array" and isinstance(v, list):
            for i, item in enumerate(v):
                walk(s["items"], item, f"{p}[{i}]", loc + [i])

    walk(schema, value, path, [])
    return found


def mutate(draw: Callable[[Any], Any], body: dict[str, Any], schema: dict[str, Any]) -> tuple[dict, str, str]:
    """A copy of `body` with exactly one field broken: (body, API path of that field, how)."""
    choices = []
    for path, s, loc in _targets(schema, body, ""):
        if not loc:  # the body itself: an unknown top-level field
            choices.append((path, s, loc, "unknown field", None))
            continue
        for how, bad in _breakers(s, _get(body, loc)):
            choices.append((path, s, loc, how, bad))
        if s.get("type") == "object" and s.get("additionalProperties") is False:
            choices.append((path, s, loc, "unknown field", None))
        if s.get("type") == "object" and s.get("required"):
            for req in s["required"]:
                choices.append((f"{path}.{req}", s, loc + [req], "required field missing", None))
    for req in schema["required"]:
        if req != "type":
            choices.append((req, schema, [req], "required field missing", None))
    path, s, loc, how, bad = draw(st.sampled_from(choices))
    out = copy.deepcopy(body)
    if how == "unknown field":
        _get(out, loc)["zz_extra"] = 1
        return out, f"{path}.zz_extra" if path else "zz_extra", how
    if how == "required field missing":
        del _get(out, loc[:-1])[loc[-1]]
        return out, path, how
    _get(out, loc[:-1])[loc[-1]] = bad
    return out, path, how


def _get(value: Any, loc: list[Any]) -> Any:
    for k in loc:
        value = value[k]
    return value
