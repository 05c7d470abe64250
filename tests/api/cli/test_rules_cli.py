"""`jejak rules`: the rulebook printed from its declarations, and docs/RULEBOOK.md kept in step with them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from api.cli import main
from api.cli.rules import markdown
from api.cli.rules import tests_by_rule as naming_tests
from ledger.rules.book import RULES

ROOT = Path(__file__).resolve().parents[3]


def test_rulebook_md_is_generated_from_the_declarations_and_fails_when_stale():
    wanted = markdown(naming_tests()) + "\n"
    assert (ROOT / "docs" / "RULEBOOK.md").read_text(encoding="utf-8") == wanted, (
        "docs/RULEBOOK.md is stale: run `jejak rules --markdown > docs/RULEBOOK.md`")
    assert CliRunner().invoke(main, ["rules", "--markdown"]).output == wanted


def test_every_compliance_rule_has_a_test_naming_it():
    tests = naming_tests()
    untested = sorted(r.id for r in RULES.values() if r.tier == "compliance" and not tests.get(r.id))
    assert not untested, untested


def test_rules_json_lists_every_declared_rule_once():
    out = CliRunner().invoke(main, ["rules", "--json"])
    assert out.exit_code == 0
    items = json.loads(out.output)["items"]
    assert sorted(r["rule"] for r in items) == sorted(RULES)
