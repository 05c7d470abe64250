"""The rulebook as data: every rule the ledger applies is declared once, with its tier, regulation and
article; a deployment switches compliance rules off or re-grades them by configuration, never validation ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ledger.rules import book

ROOT = Path(__file__).resolve().parents[2]


def _named_in_code(pattern: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "ledger").rglob("*.py"):
        found |= set(re.findall(pattern, path.read_text(encoding="utf-8")))
    return found


def test_every_refusal_in_the_ledger_names_a_declared_validation_rule():
    refused = _named_in_code(r'RuleViolated\(\s*"([a-z0-9_]+)"')
    assert refused and not refused - set(book.RULES), sorted(refused - set(book.RULES))
    assert {r for r in refused if book.RULES[r].tier != "validation"} == set()


def test_every_finding_in_the_ledger_names_a_declared_compliance_rule():
    found = _named_in_code(r'Warning\(\s*"([a-z0-9_]+)"')
    assert found and not found - set(book.RULES), sorted(found - set(book.RULES))
    assert {r for r in found if book.RULES[r].tier != "compliance"} == set()


def test_each_rule_cites_a_regulation_and_article_and_states_itself_in_both_languages():
    for rule in book.RULES.values():
        assert rule.regulation and rule.article, rule.id
        assert rule.statement and rule.statement_id and rule.statement != rule.statement_id, rule.id
        assert rule.tier == "compliance" or rule.severity == "serious", rule.id


def _rules_file(tmp_path, text, suffix=".toml"):
    path = tmp_path / f"rules{suffix}"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_compliance_rule_is_switched_off_or_regraded_by_configuration(database_url, hr, tmp_path):
    from ledger.application import Ledger

    rules_file = _rules_file(tmp_path, '[rules.promotion_two_baik_years]\nseverity = "serious"\n'
                                       '[rules.transfer_tenure]\nenabled = false\n')
    ledger = Ledger(database_url, env={"JEJAK_RULES": rules_file})
    try:
        hr.employee(ledger)
        promotion = hr.finds(ledger, hr.promote(kind="reguler"), "promotion_two_baik_years")
        assert promotion["findings"][0]["severity"] == "serious"
        hr.finds(ledger, hr.transfer(tmt="2025-06-01"))  # 15 years in post: found, but switched off here
        items = {r["rule"]: r for r in ledger.rulebook.items()}
        assert items["transfer_tenure"]["enabled"] is False and items["promotion_two_baik_years"]["severity"] == "serious"
    finally:
        ledger.close()


@pytest.mark.parametrize("text, suffix, complaint", [
    ('[rules.grade_next_step]\nenabled = false\n', ".toml", "validation rule"),
    ('{"rules": {"no_such_rule": {"enabled": false}}}', ".json", "not in the rulebook"),
    ('[rules.transfer_tenure]\nseverity = "fatal"\n', ".toml", "severity is one of"),
    ('[rules.transfer_tenure\n', ".toml", "not valid TOML"),
])
def test_a_rules_file_that_would_switch_a_validation_rule_or_say_nonsense_stops_the_start(tmp_path, text, suffix,
                                                                                         complaint):
    from ledger.settings import SettingError, load

    with pytest.raises(SettingError, match=complaint) as caught:
        load({"JEJAK_RULES": _rules_file(tmp_path, text, suffix)})
    assert caught.value.name == "JEJAK_RULES"


def test_an_older_event_with_warnings_reads_them_as_findings():
    from ledger.reading import findings_of

    meta = {"warnings": [{"rule": "evaluator_hierarchy", "message": "odd", "message_id": "aneh"}]}
    assert findings_of(meta) == [{"rule": "evaluator_hierarchy", "severity": "warning",
                                  "regulation": "PermenPANRB 6/2022", "article": "pasal 8", "message": "odd",
                                  "message_id": "aneh", "facts": {}}]
    assert findings_of({"findings": [], "warnings": meta["warnings"]}) == []
