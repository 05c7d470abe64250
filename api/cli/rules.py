"""`jejak rules`: the rulebook as declared in ledger/rules/, as a table, JSON or docs/RULEBOOK.md."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import click

from ledger.rules.book import RULES, TIERS

ROOT = Path(__file__).resolve().parents[2]
TIER_TITLES = {"validation": "Validation: refused, nothing is recorded (never switched off)",
               "compliance": "Compliance: recorded with a finding (`JEJAK_RULES` may switch off or re-grade)"}


def tests_by_rule(tests: Path = ROOT / "tests") -> dict[str, list[str]]:
    """Each rule's tests: the test functions whose body names the rule's id as a string."""
    found: dict[str, list[str]] = {}
    for path in sorted(tests.rglob("test_*.py")) if tests.is_dir() else []:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                named = {c.value for c in ast.walk(node) if isinstance(c, ast.Constant) and c.value in RULES}
                for rule in sorted(named):
                    found.setdefault(rule, []).append(f"{path.relative_to(ROOT).as_posix()}::{node.name}")
    return found


def markdown(tests: dict[str, list[str]]) -> str:
    """docs/RULEBOOK.md: one table per tier, every rule with its regulation, article, severity and tests."""
    lines = ["# Rulebook", "",
             "Generated from the declarations in `ledger/rules/` by `jejak rules --markdown > docs/RULEBOOK.md`;",
             "do not edit by hand (`tests/api/cli/test_rules_cli.py` fails when this file is stale). The same",
             "rules are served at `GET /v1/rules`. A rule's tests are those that name it.", ""]
    for tier in TIERS:
        rules = sorted((r for r in RULES.values() if r.tier == tier), key=lambda r: r.id)
        lines += [f"## {TIER_TITLES[tier]}", "", "| rule | regulation | article | severity | statement | tests |",
                  "|---|---|---|---|---|---|"]
        for r in rules:
            named = "<br>".join(f"`{t.split('::')[1]}`" for t in tests.get(r.id, [])) or "(none yet)"
            lines.append(f"| `{r.id}` | {r.regulation} | {r.article} | {r.severity} | {r.statement}<br>"
                         f"*{r.statement_id}* | {named} |")
        lines.append("")
    return "\n".join(lines)


@click.command("rules")
@click.option("--markdown", "as_markdown", is_flag=True, help="docs/RULEBOOK.md, with each rule's tests")
@click.option("--json", "as_json", is_flag=True, help="the rules as `GET /v1/rules` serves them")
def rules(as_markdown: bool, as_json: bool) -> None:
    """Print the rulebook: every rule's id, tier, regulation, article, severity and statement."""
    if as_markdown:
        click.echo(markdown(tests_by_rule()), nl=False)
        click.echo()
        return
    items = [r.as_dict() for r in sorted(RULES.values(), key=lambda r: (TIERS.index(r.tier), r.id))]
    if as_json:
        click.echo(json.dumps({"items": items}, indent=2, ensure_ascii=False))
        return
    for r in items:
        click.echo(f"{r['tier']:<10}  {r['severity']:<7}  {r['rule']:<32}  {r['regulation']}, {r['article']}")


COMMANDS = [rules]
