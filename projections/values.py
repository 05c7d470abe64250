"""What each event changed: a stream's audited values before and after it, as recorded.

The values are read from the stream's own state (`VIEWS`: the values each part of it shows),
and the state is the ledger's: the stream's facts played through the one table of effects
(`ledger.effects`), so what an event changes is said once, in the ledger. The audit reads
changes in recording order ("what did this action change"), so the facts are played in
recording order, annulled events dropped and corrections applied, and without `complete()`:
it shows what the events said, not totals derived from them. Personal fields (NIK, birth date,
address, contact, messages, intern names) appear only as their commitments, which the API reveals
to the roles that may see them; plain values recorded before commitments existed are never shown.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any, Callable

from ledger.personal import is_marker
from ledger.reading import AGGREGATES
from ledger.requests import jsonable
from ledger.stream import Stream
from projections.source import FIX_TYPES

PLAIN = (str, int, float, bool, type(None))


def plain(value: Any) -> Any:
    """A JSON value (dates as ISO text); most values already are, so they pass untouched."""
    return value if isinstance(value, PLAIN) else jsonable(value)

PERSONAL = {"nik", "birth_date", "address", "contact", "contact_encrypted", "message"}


class Names(dict[Any, str]):
    """Audited field names by their parts, each formatted once (a part is shown again at every step)."""

    def __init__(self, name: Callable[..., str]) -> None:
        super().__init__()
        self.name = name

    def __missing__(self, parts: Any) -> str:
        name = self[parts] = self.name(*parts) if isinstance(parts, tuple) else self.name(parts)
        return name


PLAN = Names(lambda year: f"skp_plan.{year}.evaluator")
PREDIKAT = Names(lambda year, kind, number: f"predikat.{year}.{kind}" + (f".{number}" if number else ""))
LEAVE = Names(lambda year, kind: f"leave_days.{year}.{kind}")
TRAINING = Names(lambda year: f"training_jp.{year}")
BUDGET = Names(lambda year, what: f"budget.{year}.{what}")
ACHIEVEMENT = Names(lambda year: f"achievement.{year}")


def _field(name: str) -> Callable[[Any], dict[str, Any]]:
    return lambda value: {name: value}


def _fields(*names: str) -> dict[str, Callable[[Any], dict[str, Any]]]:
    return {name: _field(name) for name in names}


# Per stream kind, per part of its state, the audited values that part shows (a part that is
# missing or None shows none). The state is played without `complete()`.
VIEWS: dict[str, dict[str, Callable[[Any], dict[str, Any]]]] = {
    "employee": {
        **_fields("name", "employment_type", "grade", "position", "unit", "status", "basic_salary", "candidate"),
        "contract_end": lambda end: {"contract_end": end.isoformat()},
        "degrees": lambda degrees: {f"education.{d['level']}": d["graduated_on"].isoformat() for d in degrees},
        "ujian_dinas": lambda passed: {f"ujian_dinas.{level}": on.isoformat() for level, on in passed.items()},
        "separation": lambda separation: {"separation": separation["kind"]},
        "plans": lambda plans: {PLAN[year]: plan["evaluator"] for year, plan in plans.items()},
        "evaluations": lambda evaluations: {PREDIKAT[e["year"], e["kind"], e["number"]]: e["predikat"]
                                            for e in evaluations.values()},
        "objections": lambda objections: {"objection." + event_id: o["decided"] or "filed"
                                          for event_id, o in objections.items()},
        "penalties": lambda penalties: {"penalty." + event_id: ":".join([p["level"], p["kind"], *p.get("appeals", [])])
                                        for event_id, p in penalties.items()},
        "leave": lambda leave: {LEAVE[year, kind]: days for year, kinds in leave.items()
                                for kind, days in kinds.items()},
        "training": lambda training: {TRAINING[year]: jp for year, jp in training.items()},
        "examinations": lambda exams: {"examination." + event_id: e["closed"].isoformat() if e["closed"] else "open"
                                       for event_id, e in exams.items()},
    },
    "unit": {
        **_fields("name", "kind", "parent"),
        "budgets": lambda budgets: {BUDGET[year, what]: amount for year, b in budgets.items()
                                    for what, amount in b.items()},
        "achievements": lambda achievements: {ACHIEVEMENT[year]: a for year, a in achievements.items()},
    },
    "internship": {
        **_fields("intern_name", "institution", "scheme", "supervisor", "status", "outcome"),
        "host_unit": lambda host_unit: {"host_unit": host_unit, "unit": host_unit},
    },
    "feedback": _fields("status", "classification", "unit", "response"),
    "release": _fields("period", "content_hash"),
    "review": _fields("event_id", "rule", "note"),
}


def shown(kind: str, state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per audited part of a stream's state, the values it shows."""
    return {part: view(value) for part, view in VIEWS[kind].items() if (value := state.get(part)) is not None}


def flat(parts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The audited values of all parts together."""
    out: dict[str, Any] = {}
    for values in parts.values():
        out.update(values)
    return out


class Watched(MutableMapping[str, Any]):
    """A stream's state as one effect sees it, noting each part the effect reads or writes: a
    part it never touches cannot have changed, so only touched parts are shown again."""

    __slots__ = ("state", "touched")

    def __init__(self, state: dict[str, Any]) -> None:
        self.state = state
        self.touched: set[str] = set()

    def __getitem__(self, part: str) -> Any:
        self.touched.add(part)
        return self.state[part]

    def __setitem__(self, part: str, value: Any) -> None:
        self.touched.add(part)
        self.state[part] = value

    def __delitem__(self, part: str) -> None:
        self.touched.add(part)
        del self.state[part]

    def __iter__(self) -> Iterator[str]:
        self.touched.update(self.state)
        return iter(self.state)

    def __len__(self) -> int:
        return len(self.state)


def effective_in_recording_order(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    annulled = {f["data"]["event_id"] for f in facts if f["type"] == "Annulled"}
    fixes: dict[str, dict[str, Any]] = {}
    for f in facts:
        if f["type"] == "Corrected":
            fixes.setdefault(f["data"]["event_id"], {}).update(f["data"]["fields"])
    out = []
    for f in facts:
        if f["type"] in FIX_TYPES or f["id"] in annulled:
            continue
        if f["id"] in fixes:
            f = {**f, "data": {**f["data"], **{k: v for k, v in fixes[f["id"]].items() if k != "effective_date"}}}
        out.append(f)
    return out


Played = tuple[dict[str, Any], dict[str, dict[str, Any]]]


def replay(stream: Stream, facts: list[dict[str, Any]]) -> dict[str, Any]:
    """The stream's state after `facts`, played in recording order (annulled dropped, corrections applied)."""
    return stream.play(stream.start(), effective_in_recording_order(facts))


class Memo:
    """Per stream, the state played to one version and the values each part of it shows, so each
    event costs one effect and a new look at the parts it touched, not a replay."""

    def __init__(self, max_streams: int = 20000) -> None:
        self.max_streams = max_streams
        # stream id -> (version, audited values, and if this memo played them: (state, values per part))
        self.at: dict[str, tuple[int, dict[str, Any], Played | None]] = {}
        self.dates: dict[str, Stream] = {}  # per stream kind, a stream that knows each fact's valid date
        # The names the last step may have changed (the values of the parts it changed, before and after),
        # or None when it does not know (it replayed, or reused another read model's step): see `changes`.
        self.names: list[str] | None = None

    def step_event(self, chunk: Any, e: Any,
                   facts: list[dict[str, Any]] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        """`step` for an event of a chunk (`facts`: `chunk.facts_from(e)` if the caller has them already):
        another read model's step of the same position is reused."""
        hit = chunk.steps.get(e.position)
        if hit is None:
            facts = chunk.facts_from(e) if facts is None else facts
            hit = chunk.steps[e.position] = self.step(e.kind, e.subject, e.stream_id, facts, e.version)
        else:  # the values are shared, not the state that gave them: this memo's next step replays
            self._keep(e.stream_id, e.version, hit[1], None)
            self.names = None
        return hit  # type: ignore[no-any-return]

    def _keep(self, sid: str, v: int, after: dict[str, Any], played: Played | None) -> None:
        if len(self.at) >= self.max_streams:
            self.at.clear()
        self.at[sid] = (v, after, played)

    def step(self, kind: str, key: str, sid: str, facts: list[dict[str, Any]],
             v: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """(before, after) the fact of version `v` (`facts` holds at least `v` facts)."""
        known = self.at.get(sid)
        last = facts[v - 1]
        if known is not None and known[0] == v - 1 and known[2] is not None and last["type"] not in FIX_TYPES:
            before, (state, parts) = known[1], known[2]
            after = self._play(kind, state, parts, last, before)
        else:
            self.names = None
            stream = AGGREGATES[kind].reading(key)
            if known is not None and known[0] == v - 1:
                before = known[1]
            else:
                before = flat(shown(kind, replay(stream, facts[:v - 1])))
            state = replay(stream, facts[:v])
            parts = shown(kind, state)
            after = flat(parts)
        self._keep(sid, v, after, (state, parts))
        return before, after

    def _play(self, kind: str, state: dict[str, Any], parts: dict[str, dict[str, Any]],
              fact: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
        """Play `fact` on `state` and `parts` in place; the audited values after it (`names`: those it may
        have changed)."""
        dates = self.dates.get(kind) or self.dates.setdefault(kind, AGGREGATES[kind].reading(""))
        watched = Watched(state)
        dates.play(watched, [fact])
        after, views = before, VIEWS[kind]
        names: list[str] = []
        self.names = names
        for part in [p for p in watched.touched if p in views]:
            value = state.get(part)
            now, was = ({} if value is None else views[part](value)), parts.get(part, {})
            if now != was:
                if after is before:
                    after = dict(before)
                for name in was:
                    del after[name]
                after.update(now)
                parts[part] = now
                names += was
                names += now
        return after


def changes(before: dict[str, Any], after: dict[str, Any], fact: dict[str, Any],
            facts: list[dict[str, Any]], names: list[str] | None = None) -> list[dict[str, Any]]:
    """Field-level changes of one event: the fixed fields of a correction, then every audited value.

    `names` (`Memo.names`), when known, holds every name whose value may differ: only those are compared."""
    out = []
    if fact["type"] in FIX_TYPES and "event_id" in fact["data"]:  # an erasure names no one event
        target_id = fact["data"]["event_id"]
        target = next((f for f in facts if f["id"] == target_id), None)
        if fact["type"] == "Annulled":
            out.append({"field": "annulled", "before": None,
                        "after": f"{target['type'] if target else 'event'} {target_id}"})
        elif target is not None:
            current = dict(target["data"], effective_date=target["eff"])
            for f in facts[:-1]:
                if f["type"] == "Corrected" and f["data"]["event_id"] == target_id:
                    current.update(f["data"]["fields"])
            for name, value in sorted(fact["data"]["fields"].items()):
                if name in PERSONAL and not is_marker(value):  # a plain value from before commitments
                    continue
                field = name if name == "effective_date" else f"data.{name}"
                out.append({"field": field, "before": plain(current.get(name)), "after": plain(value)})
    if after is before:  # a step that changed no part shares its values
        return out
    # The keys whose values differ (a missing key is None), sorted: the same test as over every key of both.
    if names is not None:
        keys = list({key for key in names if before.get(key) != after.get(key)})
    else:
        keys = [key for key, value in after.items() if before.get(key) != value]
        keys += [key for key, value in before.items() if key not in after and value is not None]
    for key in sorted(keys):
        if key not in PERSONAL:
            out.append({"field": key, "before": plain(before.get(key)), "after": plain(after.get(key))})
    return out
