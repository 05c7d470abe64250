"""The rulebook as data: every rule declared once (id, tier, regulation, article, severity, statement),
the findings compliance rules attach to events, and the deployment's switches (`JEJAK_RULES`).

*Validation* rules refuse what cannot be true; they are never switched off, since that would let
impossible data in. *Compliance* rules record the event and attach a finding; a deployment may switch
one off or give it another severity in a small TOML or JSON file, never by editing code.
"""

from __future__ import annotations

import functools
import json
import tomllib
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

TIERS = ("validation", "compliance")
SEVERITIES = ("info", "warning", "serious")


@dataclass(frozen=True)
class Rule:
    """One rule as the rulebook, `GET /v1/rules` and docs/RULEBOOK.md show it."""

    id: str
    tier: str
    regulation: str
    article: str
    severity: str
    statement: str
    statement_id: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.id, "tier": self.tier, "regulation": self.regulation, "article": self.article,
                "severity": self.severity, "statement": self.statement, "statement_id": self.statement_id}


RULES: dict[str, Rule] = {}


def declare(id: str, tier: str, regulation: str, article: str, severity: str, statement: str,
            statement_id: str) -> Rule:
    """Add a rule to the book; a topic module declares its rules when it is imported."""
    if tier not in TIERS or severity not in SEVERITIES or id in RULES:
        raise ValueError(f"rule {id}: tier, severity or a second declaration is wrong")
    rule = RULES[id] = Rule(id, tier, regulation, article, severity, statement, statement_id)
    return rule


def validation(id: str, regulation: str, article: str, statement: str, statement_id: str) -> Rule:
    return declare(id, "validation", regulation, article, "serious", statement, statement_id)


def compliance(id: str, regulation: str, article: str, severity: str, statement: str, statement_id: str) -> Rule:
    return declare(id, "compliance", regulation, article, severity, statement, statement_id)


@dataclass(frozen=True)
class Finding:
    """A compliance rule that did not hold: recorded with the event (and hashed with it), never refusing it."""

    rule: str
    message: str
    message_id: str
    facts: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, str]:
        """The short shape older callers read (rule and both texts)."""
        return {"rule": self.rule, "message": self.message, "message_id": self.message_id}


class Rulebook:
    """The rules as this deployment applies them: compliance rules switched off or re-graded by configuration."""

    def __init__(self, overrides: dict[str, dict[str, Any]] | None = None) -> None:
        self.overrides = check_overrides(overrides or {})
        self.off = frozenset(r for r, switch in self.overrides.items() if switch.get("enabled") is False)

    def severity(self, rule: Rule) -> str:
        return self.overrides.get(rule.id, {}).get("severity", rule.severity)

    def enabled(self, rule_id: str) -> bool:
        return self.overrides.get(rule_id, {}).get("enabled", True)

    def stored(self, findings: Iterable[Finding]) -> list[dict[str, Any]]:
        """The findings an event stores: each with its rule's regulation, article and (configured) severity."""
        out = []
        for f in findings:
            if not self.enabled(f.rule):
                continue
            rule = RULES[f.rule]
            out.append({"rule": rule.id, "severity": self.severity(rule), "regulation": rule.regulation,
                        "article": rule.article, "message": f.message, "message_id": f.message_id,
                        "facts": _plain(f.facts)})
        return out

    def items(self) -> list[dict[str, str]]:
        """Every rule, sorted by tier then id, with this deployment's severity (`GET /v1/rules`)."""
        rules = sorted(RULES.values(), key=lambda r: (TIERS.index(r.tier), r.id))
        return [{**r.as_dict(), "severity": self.severity(r), "enabled": self.enabled(r.id)} for r in rules]


# The rulebook of the decision being made (set by `employee.decide`): a switched-off rule is not run at all.
ACTIVE: ContextVar[Rulebook | None] = ContextVar("jejak_rulebook", default=None)
F = TypeVar("F", bound=Callable[..., Any])


def finds(*rule_ids: str) -> Callable[[F], F]:
    """Declare the compliance rules a finding function returns: it is skipped (None, or [] when it judges
    several rules) while the deciding rulebook has every one of them switched off, so a deployment that
    switches a rule off does not pay for it. `tests/ledger/test_rulebook_switches.py` holds every finding
    function to naming exactly the rules it returns."""
    for rule_id in rule_ids:
        if rule_id not in RULES or RULES[rule_id].tier != "compliance":
            raise ValueError(f"finds({rule_id!r}): not a declared compliance rule")
    ids, empty = frozenset(rule_ids), (lambda: []) if len(rule_ids) > 1 else (lambda: None)

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            book = ACTIVE.get()
            if book is not None and book.off and ids <= book.off:
                return empty()
            return fn(*args, **kwargs)
        run.rules = ids  # type: ignore[attr-defined]
        return run  # type: ignore[return-value]
    return wrap


def _plain(facts: dict[str, Any]) -> dict[str, Any]:
    """Facts as JSON values (dates as ISO text), so the stored bytes mean the same everywhere."""
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in facts.items()}


def check_overrides(overrides: Any) -> dict[str, dict[str, Any]]:
    """Only compliance rules may be configured, each with `enabled` (bool) and/or `severity`."""
    if not isinstance(overrides, dict):
        raise ValueError("the rules file holds a table of rules: {rule: {enabled, severity}}")
    for rule_id, switch in overrides.items():
        rule = RULES.get(rule_id)
        if rule is None:
            raise ValueError(f"rule {rule_id!r} is not in the rulebook")
        if rule.tier != "compliance":
            raise ValueError(f"rule {rule_id!r} is a validation rule: it refuses impossible data and cannot be "
                             "switched off or re-graded")
        if not isinstance(switch, dict) or set(switch) - {"enabled", "severity"}:
            raise ValueError(f"rule {rule_id!r}: give `enabled` (true/false) and/or `severity`")
        if "enabled" in switch and not isinstance(switch["enabled"], bool):
            raise ValueError(f"rule {rule_id!r}: `enabled` is true or false")
        if "severity" in switch and switch["severity"] not in SEVERITIES:
            raise ValueError(f"rule {rule_id!r}: severity is one of {', '.join(SEVERITIES)}")
    return overrides


def load_overrides(path: str | Path) -> dict[str, dict[str, Any]]:
    """A rules file: TOML (`[rules.transfer_tenure]` / `enabled = false`) or JSON (`{"rules": {...}}`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read {str(path)!r}: {exc.strerror}") from None
    try:
        document = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except ValueError as exc:
        raise ValueError(f"{str(path)!r} is not valid {'JSON' if path.suffix == '.json' else 'TOML'}: {exc}") from None
    if not isinstance(document, dict) or set(document) - {"rules"}:
        raise ValueError(f"{str(path)!r} holds one table, `rules`")
    return check_overrides(document.get("rules", {}))


def rulebook_from(path: str | Path | None) -> Rulebook:
    return Rulebook(load_overrides(path) if path else None)
