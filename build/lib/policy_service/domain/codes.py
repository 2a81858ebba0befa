"""The code lists of the service, each in one place.

Every module that names a customer status, a decision outcome, a tier code, a receivable
class, an aging bucket, a dunning step or a rule draft status imports it from here: the
database models and their CHECK constraints, the API schemas (``OneOf``), the admin
choices, the rule-language vocabularies and the rule set kinds. The migrations keep
frozen literal copies (a migration describes the schema as it was when it was written);
tests/unit/test_codes.py checks that every copy agrees with these lists.

This module imports nothing: it is the bottom of the dependency graph.
"""

from __future__ import annotations

CUSTOMER_STATUSES = ("active", "stop_supply", "blacklisted")
"""A customer's status: may it buy on credit, is supply stopped, is it blacklisted."""

CREDIT_OUTCOMES = ("approved", "approved_with_conditions", "hold", "declined")
"""Credit check outcomes, least to most severe (the most severe matched outcome wins)."""

RESERVING_OUTCOMES = ("approved", "approved_with_conditions")
"""The outcomes whose order reserves its amount against the credit limit."""

TIER_CODES = ("A", "B", "C", "D")
"""Credit tiers, best first: A good, B fair, C poor, D cash in advance."""

INVOICE_STATUSES = ("open", "paid", "written_off")
"""An invoice is open until paid in full or written off."""

RECEIVABLE_CLASSES = ("not_due", "in_collection", "doubtful", "bad_debt", "write_off")
"""Receivable classes (账龄分类) a ``receivable_classes`` rule may assign."""

AGING_BUCKETS = ("not_due", "1-30", "31-60", "61-90", "91+")
"""The aging report's fixed columns, by days past due."""

DUNNING_STEPS = ("reminder", "due_today", "overdue_notice", "phone_follow_up",
                 "formal_demand_letter", "stop_supply", "legal_action", "plan_broken")
"""Dunning (escalation) steps an ``escalation`` rule may name."""

MESSAGE_CHANNELS = ("email", "sms", "letter", "task")
"""Outbox channels a dunning step may use."""

INTERNAL_CHANNELS = ("task",)
"""Channels that reach the company's own people (a task), not the customer; on catch-up
the most advanced customer-facing message and the most advanced internal task are chosen
separately."""

DRAFT_STATUSES = ("draft", "submitted", "approved", "rejected", "published", "superseded",
                  "discarded")
"""A rule set draft's place in the four-eyes lifecycle."""

DRAFT_KINDS = ("edit", "rollback")
"""How a draft came about: an edit of the published rules, or a rollback to a version."""

LEGAL_CASE_STATUSES = ("open", "closed")
"""A legal case (法律手段): open until a risk manager closes it with an outcome."""

LEGAL_CASE_OUTCOMES = ("recovered", "settled", "uncollectable")
"""How a risk manager closes a legal case."""

STATEMENT_LINE_TYPES = ("invoice", "payment", "penalty", "waiver", "credit_note", "write_off",
                        "recovery")
"""The lines of a statement of account (对账单), as api.md names them."""

ALERT_LEVELS = ("info", "warning", "critical")
"""Early-warning alert levels (预警级别), least to most severe."""

ALERT_STATUSES = ("open", "closed")
"""An early-warning alert is open until the daily run sees its rule stop matching."""
