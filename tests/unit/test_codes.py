"""Every copy of a code list agrees with policy_service/domain/codes.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import CheckConstraint

from policy_service.api.schemas import AgingOut, CustomerStatusIn
from policy_service.db.models_lifecycle import RuleDraft
from policy_service.domain import codes
from policy_service.domain.aging import bucket
from policy_service.language.kinds import KINDS, validate_credit_then
from policy_service.language.kinds_account import validate_class_then, validate_escalation_then
from policy_service.services.credit.tiers import DEFAULT_TIERS

MIGRATIONS = Path(__file__).resolve().parents[2] / "policy_service/db/migrations/versions"
MESSAGE = {"zh": "x", "en": "x"}


def _in_list(sql: str) -> tuple[str, ...]:
    return tuple(re.findall(r"'([^']*)'", sql))


def test_the_customer_status_schema_accepts_exactly_the_customer_statuses() -> None:
    assert tuple(CustomerStatusIn().fields["status"].validate.choices) == codes.CUSTOMER_STATUSES


def test_the_aging_schema_has_one_column_per_bucket_and_every_bucket_is_reached() -> None:
    keys = tuple(f.data_key or name for name, f in AgingOut().fields.items())
    assert keys == codes.AGING_BUCKETS
    assert tuple(dict.fromkeys(bucket(d) for d in range(-1, 200))) == codes.AGING_BUCKETS


def test_the_draft_check_constraints_match_the_draft_codes_in_model_and_migration() -> None:
    checks = {str(c.sqltext).split()[0]: _in_list(str(c.sqltext))
              for c in RuleDraft.__table__.constraints if isinstance(c, CheckConstraint)}
    assert checks == {"status": codes.DRAFT_STATUSES, "kind": codes.DRAFT_KINDS}
    frozen = (MIGRATIONS / "0002_rule_lifecycle.py").read_text(encoding="utf-8")
    found = [_in_list(m) for m in re.findall(r'"(?:status|kind) IN \(([^)]*)\)"', frozen)]
    assert found[1] == codes.DRAFT_KINDS
    newest = (MIGRATIONS / "0015_draft_cases_and_merge.py").read_text(encoding="utf-8")
    status = re.search(r'^STATUS = \((.*?)\)$', newest, re.S | re.M)
    assert status is not None
    assert _in_list(status.group(1)) == codes.DRAFT_STATUSES


def test_the_shipped_tiers_are_the_tier_codes_best_first() -> None:
    assert tuple(t.code for t in sorted(DEFAULT_TIERS, key=lambda t: t.rank)) == codes.TIER_CODES


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_vocabulary_allows_exactly_the_tier_and_status_codes(kind: str) -> None:
    vocab = KINDS[kind].vocabulary
    for name, allowed in (("customer.tier", codes.TIER_CODES),
                          ("customer.status", codes.CUSTOMER_STATUSES)):
        if name in vocab:
            assert vocab[name].allowed == allowed


def _errors_on(field: str, errors: list) -> list:
    return [e for e in errors if e.field == field]


def test_a_credit_rule_accepts_every_outcome_and_no_other() -> None:
    for outcome in codes.CREDIT_OUTCOMES:
        conditions = [{"type": "prepayment", "percent": "30"}] \
            if outcome == "approved_with_conditions" else []
        then = {"outcome": outcome, "code": "X", "message": MESSAGE, "conditions": conditions}
        assert validate_credit_then("r", then) == []
    assert _errors_on("then.outcome", validate_credit_then("r", {"outcome": "maybe"}))


def test_an_escalation_rule_accepts_every_dunning_step_and_no_other() -> None:
    for step in codes.DUNNING_STEPS:
        then = {"step": step, "code": "X", "message": MESSAGE, "channels": ["email"]}
        assert validate_escalation_then("r", then) == []
    assert _errors_on("then.step", validate_escalation_then("r", {"step": "pray"}))


def test_a_class_rule_accepts_every_receivable_class_and_no_other() -> None:
    for name in codes.RECEIVABLE_CLASSES:
        then = {"class": name, "provision_percent": "5", "message": MESSAGE}
        assert validate_class_then("r", then) == []
    assert _errors_on("then.class", validate_class_then("r", {"class": "lost"}))
