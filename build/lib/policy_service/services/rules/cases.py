"""A draft's test cases: its own (stored with the draft) or the shipped rules/NAME.cases.json.

Cases are checked by their kind's checker (``domain/case_checks.py``). `gate` is what
submitting and approving call: a draft whose cases fail is refused, so an approver never
publishes rules that contradict the cases they were shown.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from policy_service.db.models_lifecycle import RuleDraft
from policy_service.domain.case_checks import check_case, decide_credit
from policy_service.language.cases import CASES_SUFFIX, Case, typed_facts
from policy_service.language.document import RuleSet, load_ruleset
from policy_service.language.reference import matching_rules
from policy_service.language.vocabulary import FactsInvalid
from policy_service.services.errors import Conflict, Invalid

MAX_CASES = 500


def decide(ruleset: RuleSet, facts: Mapping[str, Any]) -> dict[str, Any]:
    """The result a rule set gives for typed facts: outcome, codes, conditions, messages."""
    if ruleset.kind != "credit_approval":
        return {"matched": matching_rules(ruleset, facts)}
    return decide_credit(ruleset, facts)


def parse_cases(vocab: Any, raw: Any, source: str) -> list[Case]:
    """Cases in the rules/NAME.cases.json shape, or Invalid naming each bad one."""
    if not isinstance(raw, list):
        raise Invalid(f"{source}: cases must be a list", fields={"cases": ["must be a list"]})
    if len(raw) > MAX_CASES:
        raise Invalid(f"{source}: at most {MAX_CASES} cases", fields={"cases": ["too many"]})
    cases, problems = [], {}
    for index, item in enumerate(raw):
        try:
            if not isinstance(item, Mapping) or not isinstance(item.get("expect"), Mapping):
                raise FactsInvalid(["a case needs note, facts and expect"])
            cases.append(Case(str(item.get("note", f"case {index + 1}")),
                              typed_facts(vocab, item.get("facts") or {}), item["expect"]))
        except FactsInvalid as exc:
            problems[f"cases[{index}]"] = exc.problems
    if problems:
        raise Invalid(f"{source}: {len(problems)} invalid case(s)", fields=problems)
    return cases


def run_cases(ruleset: RuleSet, cases: Sequence[Case], source: str) -> list[dict[str, Any]]:
    """Each case's verdict by its kind's checker: passed, expected vs actual, what failed."""
    results: list[dict[str, Any]] = []
    for case in cases:
        result = check_case(ruleset, case)
        if result is None:  # a kind with no checker: what it matched, unchecked
            results.append({"note": case.note, "source": source, "passed": None,
                            "expected": dict(case.expect), "actual": decide(ruleset, case.facts),
                            "failures": []})
            continue
        results.append({"note": case.note, "source": source, "passed": not result.failures,
                        "expected": dict(case.expect), "actual": result.actual,
                        "failures": result.failures})
    return results


def shipped_cases(rules_dir: Path, name: str) -> list[Any]:
    """rules/NAME.cases.json as stored (empty when the rule set has none)."""
    path = rules_dir / f"{name}{CASES_SUFFIX}"
    return list(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else []


def draft_cases(draft: RuleDraft, rules_dir: Path) -> tuple[list[Any], str]:
    """The cases a draft is judged by and where they come from ("draft" or the file name)."""
    if draft.cases is not None:
        return list(draft.cases), "draft"
    return shipped_cases(rules_dir, draft.ruleset_name), f"{draft.ruleset_name}{CASES_SUFFIX}"


def results_of(document: Mapping[str, Any], raw: list[Any], source: str,
               extra: list[Any] | None = None) -> dict[str, Any]:
    """Run the cases (and any extra ones, source "request") against a document: the report."""
    ruleset = load_ruleset(document)
    results = run_cases(ruleset, parse_cases(ruleset.vocabulary, raw, source), source)
    if extra:
        results += run_cases(ruleset, parse_cases(ruleset.vocabulary, extra, "request"),
                             "request")
    passed = sum(r["passed"] is True for r in results)
    failed = sum(r["passed"] is False for r in results)
    return {"total": len(results), "passed": passed, "failed": failed,
            "unchecked": len(results) - passed - failed, "cases": results}


def draft_report(draft: RuleDraft, rules_dir: Path) -> dict[str, Any]:
    """The draft's document against its own cases: the report with its source."""
    raw, source = draft_cases(draft, rules_dir)
    return {"draft_id": draft.id, "source": source, **results_of(draft.document, raw, source)}


def gate(draft: RuleDraft, rules_dir: Path, action: str) -> None:
    """Refuse (409) to submit or approve a draft any of whose test cases fail."""
    report = draft_report(draft, rules_dir)
    if report["failed"]:
        failing = [c["note"] for c in report["cases"] if c["passed"] is False]
        raise Conflict(f"cannot {action} draft {draft.id}: {report['failed']} of "
                       f"{report['total']} test cases fail ({report['source']}); fix the "
                       "rules, or change the draft's cases so the approver sees the new "
                       "expectation", fields={"failing_cases": failing})


def validated_cases(document: Mapping[str, Any], raw: Any) -> list[Any]:
    """Cases a draft may store: well formed for its vocabulary (Invalid names each bad one)."""
    ruleset = load_ruleset(document)
    parse_cases(ruleset.vocabulary, raw, "cases")
    return list(raw)
