"""Remedies: what it would take to get a held, declined or conditional order approved.

For each lever the vocabulary marks (``Field.lever``), the *target* rules are the rules that
do not plainly approve and whose condition reads a field the lever moves. When one of them
fired, the lever's remedy is the best lever value at which none of them fires, computed
exactly by interval analysis (``language/intervals.py``) in the currency's minor unit:

- ``order_amount``: the largest order amount (at least one minor unit) -> ``reduce_amount``
  (``max_amount``), and for a hold or a decline the same bound as a ``prepay`` of the rest
  (re-checked, the order's credited part is ``amount - prepayment``);
- ``overdue``: the least amount collected on the overdue invoices, oldest first (which lowers
  ``overdue.*`` and ``exposure.*`` together) -> ``pay_overdue`` with the invoices it touches;
- ``review``: completing the review (``customer.review_overdue`` false) -> ``complete_review``;
- ``status``: another status a risk manager sets -> ``resolve_status``;
- ``term``: the longest payment term the order may ask for -> ``shorten_term``.

The promise (tests/unit/test_remedy_properties.py): with the remedy applied no target rule
fires, and one minor unit short of it (or beyond the bound) one does. A lever whose targets
cannot be moved out of firing gives a remedy that says so ("no order amount would be
approved"); a lever that enters a target non-linearly gives none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from policy_service.domain.codes import CREDIT_OUTCOMES
from policy_service.domain.money import minor_digits, to_wire
from policy_service.domain.remedy_messages import Words
from policy_service.domain.remedy_targets import (
    APPROVED,
    LEVER_ORDER,
    MOVED,
    MOVED_BY_PAYMENT,
    Lever,
    levers_of,
    when_of,
)
from policy_service.language.document import Rule, RuleSet
from policy_service.language.interval_plans import (
    EngineValues,
    Moves,
    NotAnalysable,
    solve_plan,
)
from policy_service.language.intervals import (
    ALL,
    NONE,
    Spans,
    complement,
    largest_in,
    smallest_in,
    union,
)
from policy_service.language.reference import evaluate

BLOCKING = frozenset(CREDIT_OUTCOMES[2:])  # hold, declined: more than conditions


@dataclass(frozen=True)
class OverdueInvoice:
    """An overdue invoice as a remedy sees it: its id, what is to collect on it (its
    outstanding less any amount under open dispute) and days past due."""

    invoice_id: str
    outstanding: Decimal
    days_past_due: int


class Remedy(NamedTuple):
    """One thing to do, the rules it stops firing, and what to tell sales (a named tuple:
    one is made for most decisions that are not a plain approval)."""

    type: str
    rules: tuple[str, ...]
    words: Words
    amount: Decimal | None = None
    max_amount: Decimal | None = None
    invoice_ids: tuple[str, ...] = ()
    max_term_days: int | None = None
    status: str | None = None

    @property
    def message(self) -> dict[str, str]:
        """What to tell sales {zh, en}, written out from the remedy's words."""
        return self.words.render()

    def to_dict(self) -> dict[str, Any]:
        """The contract's remedy object (absent amounts left out), its message written out."""
        body: dict[str, Any] = {"type": self.type, "rules": list(self.rules),
                                "message": self.message}
        if self.amount is not None:
            body["amount"] = to_wire(self.amount)
        if self.max_amount is not None:
            body["max_amount"] = to_wire(self.max_amount)
        if self.invoice_ids:
            body["invoice_ids"] = list(self.invoice_ids)
        if self.max_term_days is not None:
            body["max_term_days"] = self.max_term_days
        if self.status is not None:
            body["status"] = self.status
        return body


def _fires(rule: Rule, ruleset: RuleSet, facts: Mapping[str, Any]) -> bool:
    return bool(evaluate(when_of(rule), ruleset.vocabulary, facts))


def _fired_set(targets: Lever, ruleset: RuleSet, facts: Mapping[str, Any],
               values: Mapping[str, int], moves: Moves) -> Spans:
    """The lever values at which at least one target fires."""
    if not targets.exact:
        raise NotAnalysable("the lever enters a target rule non-linearly")
    hit, vocab = NONE, ruleset.vocabulary
    for plan in targets.plans:
        hit = union(hit, solve_plan(plan, vocab, facts, values, moves))
        if hit == ALL:
            break  # every value fires one: the others cannot change that
    return hit


def _cents(ruleset: RuleSet, digits: int) -> int:
    """Engine integers (cents) in one minor unit of the currency: 1 for CNY, 100 for JPY."""
    return ruleset.vocabulary.engine_paths["order.amount"][2] // 10 ** digits


def _money(steps: int, digits: int) -> Decimal:
    return Decimal(steps).scaleb(-digits)


def _order(ruleset: RuleSet, facts: Mapping[str, Any], values: EngineValues, targets: Lever,
           names: tuple[str, ...], outcome: str) -> list[Remedy]:
    order = facts["order"]
    currency, amount = str(order["currency"]), Decimal(order["amount"])
    digits = minor_digits(currency)
    steps = int(amount.scaleb(digits))
    fired = _fired_set(targets, ruleset, facts, values,
                       {"order.amount": (0, _cents(ruleset, digits))})
    best = largest_in(complement(fired), 1, steps)
    if best is None:
        return [Remedy("reduce_amount", names, Words("no_amount", currency))]
    bound = _money(best, digits)
    found = [Remedy("reduce_amount", names, Words("reduce_amount", currency, bound),
                    max_amount=bound)]
    if outcome in BLOCKING:
        found.append(Remedy("prepay", names, Words("prepay", currency, amount - bound),
                            amount=amount - bound))
    return found


def oldest_first(invoices: Sequence[OverdueInvoice]) -> list[OverdueInvoice]:
    """The order payments are applied in: most days past due first, then by id."""
    return sorted(invoices, key=lambda i: (-i.days_past_due, i.invoice_id))


def after_payment(facts: Mapping[str, Any], invoices: Sequence[OverdueInvoice], paid: Decimal
                  ) -> dict[str, Any]:
    """The facts once ``paid`` is collected on the overdue invoices, oldest first: overdue
    and exposure lower by it; an invoice paid in full is no longer overdue."""
    return _after(facts, oldest_first(invoices), paid)


def _after(facts: Mapping[str, Any], ordered: Sequence[OverdueInvoice], paid: Decimal
           ) -> dict[str, Any]:
    """``after_payment`` of invoices already oldest first."""
    left, remaining = paid, list(ordered)
    while remaining and left >= remaining[0].outstanding:
        left -= remaining.pop(0).outstanding
    out = {group: dict(values) for group, values in facts.items()}
    out["overdue"].update(amount=Decimal(facts["overdue"]["amount"]) - paid,
                          invoice_count=len(remaining),
                          oldest_days=remaining[0].days_past_due if remaining else 0)
    for name in MOVED_BY_PAYMENT:
        group, key = name.split(".")
        out[group][key] = Decimal(facts[group][key]) - paid
    return out


def _overdue(ruleset: RuleSet, facts: Mapping[str, Any], targets: Lever,
             names: tuple[str, ...], invoices: Sequence[OverdueInvoice]) -> list[Remedy]:
    currency = str(facts["order"]["currency"])
    digits = minor_digits(currency)
    cents = _cents(ruleset, digits)
    ordered = oldest_first(invoices)
    start = 0
    for index in range(len(ordered) + 1):
        # Segment ``index``: the older invoices are paid, this one in part (the last
        # segment is everything paid).
        size = int(ordered[index].outstanding.scaleb(digits)) if index < len(ordered) else 1
        if size <= 0:
            continue
        at = _after(facts, ordered, _money(start, digits))
        values = EngineValues(ruleset.vocabulary, at)
        moves = {name: (values[name], -cents) for name in MOVED["overdue"]}
        fired = _fired_set(targets, ruleset, at, values, moves)
        first = smallest_in(complement(fired), 0, size - 1)
        if first is not None:
            paid = _money(start + first, digits)
            touched = index + (1 if first > 0 else 0)
            ids = tuple(i.invoice_id for i in ordered[:touched])
            return [Remedy("pay_overdue", names, Words("pay_overdue", currency, paid, ids),
                           amount=paid, invoice_ids=ids)]
        start += size
    return [Remedy("pay_overdue", names, Words("overdue_not_enough", currency))]


def _discrete(ruleset: RuleSet, facts: Mapping[str, Any], targets: Lever,
              names: tuple[str, ...], lever: str) -> list[Remedy]:
    currency = str(facts["order"]["currency"])
    if lever == "review":
        done = {**facts, "customer": {**facts["customer"], "review_overdue": False}}
        if not any(_fires(r, ruleset, done) for r in targets.rules):
            return [Remedy("complete_review", names, Words("complete_review", currency))]
        return []
    current = str(facts["customer"]["status"])
    allowed = ruleset.vocabulary["customer.status"].allowed
    for status in sorted((s for s in allowed if s != current), key=lambda s: s != "active"):
        changed = {**facts, "customer": {**facts["customer"], "status": status}}
        if not any(_fires(r, ruleset, changed) for r in targets.rules):
            return [Remedy("resolve_status", names,
                           Words("resolve_status", currency, current=current, to=status),
                           status=status)]
    return []


def _term(ruleset: RuleSet, facts: Mapping[str, Any], values: EngineValues, targets: Lever,
          names: tuple[str, ...]) -> list[Remedy]:
    asked = int(facts["order"]["requested_term_days"])
    fired = _fired_set(targets, ruleset, facts, values, {"order.requested_term_days": (0, 1)})
    best = largest_in(complement(fired), 0, asked)
    if best is None:
        return [Remedy("shorten_term", names,
                       Words("no_term", str(facts["order"]["currency"])))]
    return [Remedy("shorten_term", names,
                   Words("shorten_term", str(facts["order"]["currency"]), days=best),
                   max_term_days=best)]


def remedies(ruleset: RuleSet, facts: Mapping[str, Any], matched: Sequence[str], outcome: str,
             overdue_invoices: Callable[[], Sequence[OverdueInvoice]],
             encoded: Mapping[str, Any] | None = None) -> tuple[Remedy, ...]:
    """The remedies of a decision (none for a plain approval); ``overdue_invoices`` is asked
    only when an overdue rule fired. ``facts`` must be valid for the vocabulary; ``encoded``,
    if given, is what ``encode_facts`` made of them for the engine (its integers are read
    instead of converting the facts again)."""
    if outcome == APPROVED:
        return ()
    fired = frozenset(matched)
    found: list[Remedy] = []
    values = EngineValues(ruleset.vocabulary, facts, encoded)
    prepared = levers_of(ruleset)
    for lever in LEVER_ORDER:
        targets = prepared[lever]
        if fired.isdisjoint(targets.names):
            continue
        names = tuple(name for name in targets.names if name in fired)
        try:
            if lever == "order_amount":
                found += _order(ruleset, facts, values, targets, names, outcome)
            elif lever == "overdue":
                invoices = overdue_invoices()
                if invoices:
                    found += _overdue(ruleset, facts, targets, names, invoices)
            elif lever == "term":
                found += _term(ruleset, facts, values, targets, names)
            else:
                found += _discrete(ruleset, facts, targets, names, lever)
        except NotAnalysable:
            continue  # the rule editor says this rule cannot tell sales what to do
    return tuple(found)
