"""A compliance rule switched off by the deployment (`JEJAK_RULES`) is not run at all, so switching it off
also takes its cost away; every finding function declares the rules it returns, so none is skipped wrongly."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import ledger.rules
from ledger.rules import book
from ledger.rules.book import Rulebook

RULES_DIR = Path(ledger.rules.__file__).parent
# Rules picked from the book, not named: a test naming a rule is listed in docs/RULEBOOK.md as that rule's test.
ONE, TWO, THREE = sorted(r.id for r in book.RULES.values() if r.tier == "compliance")[:3]
VALIDATION = min(r.id for r in book.RULES.values() if r.tier == "validation")


def _finding_functions():
    """(module, function name, rule ids it builds a Finding of) for every function of ledger/rules/."""
    for path in sorted(RULES_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            ids = {c.args[0].value for c in ast.walk(node) if isinstance(c, ast.Call) and c.args
                   and getattr(c.func, "id", None) in ("Warning", "Finding", "find")
                   and isinstance(c.args[0], ast.Constant)}
            if ids:
                yield f"ledger.rules.{path.stem}", node.name, ids


def test_every_finding_function_declares_exactly_the_rules_it_returns():
    seen = list(_finding_functions())
    assert len(seen) >= 30
    for module, name, ids in seen:
        declared = getattr(getattr(importlib.import_module(module), name), "rules", None)
        assert declared == ids, f"{module}.{name} builds findings of {sorted(ids)} but declares {declared}"


def test_a_finding_function_is_skipped_only_while_every_rule_it_judges_is_switched_off():
    calls = []

    @book.finds(ONE)
    def overlap():
        calls.append("overlap")
        return "found"

    @book.finds(TWO, THREE)
    def kinds():
        calls.append("kinds")
        return ["found"]

    assert overlap() == "found" and kinds() == ["found"]  # no deciding rulebook: every rule runs
    token = book.ACTIVE.set(Rulebook({ONE: {"enabled": False}, TWO: {"enabled": False}}))
    try:
        assert overlap() is None and kinds() == ["found"]
        book.ACTIVE.set(Rulebook({TWO: {"enabled": False}, THREE: {"enabled": False}, ONE: {"severity": "serious"}}))
        assert kinds() == [] and overlap() == "found"
    finally:
        book.ACTIVE.reset(token)
    assert calls == ["overlap", "kinds", "kinds", "overlap"]


def test_only_a_declared_compliance_rule_can_be_skipped():
    with pytest.raises(ValueError, match=VALIDATION):
        book.finds(VALIDATION)
    with pytest.raises(ValueError, match="no_such_rule"):
        book.finds("no_such_rule")


def test_a_rule_switched_off_in_the_rules_file_is_not_run_when_the_ledger_decides(database_url, hr, tmp_path,
                                                                                    monkeypatch):
    from ledger.application import Ledger

    calls = []
    (rule,) = ledger.rules.cltn_finding.rules  # the CLTN rule a training is judged by

    @book.finds(rule)
    def counted(cltn, on, what):
        calls.append(what)
        return None

    monkeypatch.setattr(ledger.rules, "cltn_finding", counted)
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(f"[rules.{rule}]\nenabled = false\n", encoding="utf-8")
    for env, runs in (({"JEJAK_RULES": str(rules_file)}, []), ({}, ["training", "training"])):
        recording = Ledger(database_url, env=env)
        try:
            if not env:  # the second ledger reads the same database: the employee is there
                hr.record(recording, hr.training())
            else:
                hr.employee(recording, hr.training())
        finally:
            recording.close()
        assert calls == runs
