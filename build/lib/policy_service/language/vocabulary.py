"""The vocabulary a rule set may use: typed, documented fact names, and fact validation."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import cached_property
from typing import Any

from policy_service.domain.codes import CUSTOMER_STATUSES, TIER_CODES
from policy_service.domain.money import MAX_AMOUNT, MINOR_UNITS_PER_UNIT, SUPPORTED_CURRENCIES

_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
RESERVED_GROUP = "_k"
DEFAULT_DECIMAL_SCALE = 10_000
DEFAULT_INTEGER_BOUND = 1_000_000


class FieldType(Enum):
    """The type of a fact: money, whole number, other decimal number, text or yes/no."""

    MONEY = "money"
    INTEGER = "integer"
    DECIMAL = "decimal"
    STRING = "string"
    BOOL = "bool"

    @property
    def is_numeric(self) -> bool:
        """Money, integers and decimals take part in arithmetic."""
        return self in (FieldType.MONEY, FieldType.INTEGER, FieldType.DECIMAL)


@dataclass(frozen=True)
class Field:
    """One fact a rule may read, e.g. ``order.amount`` (money)."""

    name: str
    type: FieldType
    description_en: str
    description_zh: str
    allowed: tuple[str, ...] = ()
    scale: int | None = None
    max_abs: Decimal | None = None
    lever: str | None = None
    """The remedy lever that moves this fact (LEVERS), if someone can change it."""

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"bad field name {self.name!r}: use dotted lower_case names")
        if self.name.split(".")[0] == RESERVED_GROUP:
            raise ValueError(f"{RESERVED_GROUP!r} is reserved for the engine's constants")
        if self.allowed and self.type is not FieldType.STRING:
            raise ValueError(f"{self.name}: only string fields have allowed values")

    @cached_property
    def engine_scale(self) -> int:
        """Factor turning a value into the engine's exact integer (cents for money)."""
        if self.scale is not None:
            return self.scale
        if self.type is FieldType.MONEY:
            return MINOR_UNITS_PER_UNIT
        if self.type is FieldType.DECIMAL:
            return DEFAULT_DECIMAL_SCALE
        return 1

    @cached_property
    def bound(self) -> Decimal:
        """Largest absolute value accepted for a numeric fact (keeps engine integers in range)."""
        if self.max_abs is not None:
            return self.max_abs
        return MAX_AMOUNT if self.type is FieldType.MONEY else Decimal(DEFAULT_INTEGER_BOUND)

    @cached_property
    def path(self) -> tuple[str, ...]:
        """The name split at its dots: the keys into the nested fact dict."""
        return tuple(self.name.split("."))


class Vocabulary(Mapping[str, Field]):
    """The named, typed facts of one rule set kind."""

    def __init__(self, name: str, fields: tuple[Field, ...]) -> None:
        self.name = name
        self._fields: dict[str, Field] = {}
        for field in fields:
            if field.name in self._fields:
                raise ValueError(f"duplicate field {field.name}")
            self._fields[field.name] = field

    def __getitem__(self, key: str) -> Field:
        return self._fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    @cached_property
    def encoding_plan(self) -> tuple[tuple[Field, str, str, FieldType, int, Decimal], ...]:
        """Each two-level field's (field, group, key, type, engine scale, bound), once per
        vocabulary (the engine encoding walks it on every decision)."""
        return tuple((f, f.path[0], f.path[1], f.type, f.engine_scale, f.bound)
                     for f in self.values() if len(f.path) == 2)

    @cached_property
    def engine_paths(self) -> dict[str, tuple[str, str, int]]:
        """Each two-level field's (group, key, engine scale) by name, once per vocabulary
        (remedies read a few facts as engine integers on every decision that is not a plain
        approval)."""
        return {f.name: (group, key, scale) for f, group, key, _t, scale, _b in self.encoding_plan}

    def suggest(self, name: str) -> str | None:
        """The closest known name to a misspelt one, if any is close."""
        close = difflib.get_close_matches(name, list(self._fields), n=1, cutoff=0.6)
        return close[0] if close else None

    def extend(self, name: str, fields: tuple[Field, ...]) -> Vocabulary:
        """A new vocabulary with this one's fields plus ``fields``."""
        return Vocabulary(name, (*self._fields.values(), *fields))


LEVERS = {
    "order_amount": ("the order amount (ship less, or prepay part of it)",
                     "订单金额（减少发货或预付部分货款）"),
    "overdue": ("payment of overdue invoices (also lowers the exposure)",
                "收回逾期发票（同时降低信用占用）"),
    "review": ("completing the periodic credit review", "完成定期信用审核"),
    "status": ("a risk manager changes the customer's status", "风控经理变更客户状态"),
    "term": ("the payment term the order asks for", "订单申请的账期"),
}
"""What a salesperson or a risk manager can change to get an order approved (remedies)."""


def _f(name: str, type_: FieldType, en: str, zh: str, allowed: tuple[str, ...] = (),
       max_abs: int | None = None, lever: str | None = None) -> Field:
    bound = Decimal(max_abs) if max_abs is not None else None
    return Field(name, type_, en, zh, allowed, max_abs=bound, lever=lever)


T = FieldType
TIERS = TIER_CODES
STATUSES = CUSTOMER_STATUSES
CURRENCIES = tuple(sorted(SUPPORTED_CURRENCIES))
DAYS = 36_500

CREDIT_APPROVAL_VOCABULARY = Vocabulary("credit_approval", (
    _f("order.amount", T.MONEY, "amount of the order being checked", "本次订单金额",
       lever="order_amount"),
    _f("order.currency", T.STRING, "currency of the order (the customer's currency)", "订单币种",
       CURRENCIES),
    _f("order.requested_term_days", T.INTEGER, "payment term requested for the order, in days",
       "订单申请的账期（天）", max_abs=DAYS, lever="term"),
    _f("customer.tier", T.STRING, "credit tier: A good, B fair, C poor, D cash in advance",
       "信用等级：A 良好，B 一般，C 较差，D 预付款", TIERS),
    _f("customer.status", T.STRING, "customer status", "客户状态", STATUSES, lever="status"),
    _f("customer.credit_limit", T.MONEY, "credit limit", "信用额度"),
    _f("customer.collateral", T.MONEY, "guarantees/collateral counted toward the limit",
       "计入额度的担保/抵押金额"),
    _f("customer.payment_term_days", T.INTEGER, "customer's payment term in days", "客户账期（天）",
       max_abs=DAYS),
    _f("customer.age_days", T.INTEGER, "days since the customer was created", "建档天数",
       max_abs=DAYS),
    _f("customer.review_overdue", T.BOOL, "the next credit review date is before today",
       "定期信用审核已过期", lever="review"),
    _f("customer.written_off_365d", T.MONEY,
       "amount of the customer's invoices written off in the last 365 days",
       "近365天核销（坏账）金额"),
    _f("exposure.open_receivables", T.MONEY, "unpaid invoice amounts, including accrued penalties",
       "未收应收账款（含罚款）"),
    _f("exposure.reserved_orders", T.MONEY, "approved orders not yet invoiced or cancelled",
       "已批准未开票订单占用"),
    _f("exposure.total", T.MONEY, "open receivables + reserved orders", "信用占用合计"),
    _f("overdue.amount", T.MONEY, "amount of overdue invoices, less any amount under dispute",
       "逾期金额（不含争议金额）", lever="overdue"),
    _f("overdue.oldest_days", T.INTEGER,
       "days past due of the oldest overdue invoice not disputed in full (0 if none)",
       "最早逾期（未全额争议）发票的逾期天数（无则为 0）", max_abs=DAYS, lever="overdue"),
    _f("overdue.invoice_count", T.INTEGER, "number of overdue invoices not disputed in full",
       "逾期（未全额争议）发票张数", lever="overdue"),
    _f("customer.disputed_amount", T.MONEY,
       "amount under open dispute (still in exposure; not in overdue.*)",
       "争议中的金额（仍计入信用占用；不计入逾期指标）"),
    _f("customer.broken_plans_365d", T.INTEGER,
       "payment plans the customer broke in the last 365 days", "近 365 天内失效的还款计划数",
       max_abs=DAYS),
))


def vocabulary_markdown(vocab: Vocabulary) -> str:
    """A Markdown table documenting the vocabulary for risk managers."""
    levers = any(field.lever for field in vocab.values())
    lines = [
        "| name | type | meaning | 含义 | allowed values |" + (" lever |" if levers else ""),
        "|---|---|---|---|---|" + ("---|" if levers else ""),
    ]
    for field in vocab.values():
        allowed = ", ".join(f"`{v}`" for v in field.allowed) or "–"
        lever = (f" {'`' + field.lever + '`' if field.lever else '–'} |") if levers else ""
        lines.append(
            f"| `{field.name}` | {field.type.value} | {field.description_en} "
            f"| {field.description_zh} | {allowed} |{lever}"
        )
    return "\n".join(lines) + "\n"


class FactsInvalid(ValueError):
    """Facts that are missing or of the wrong type for a vocabulary."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid facts: " + "; ".join(problems))
        self.problems = problems


def lookup(facts: Mapping[str, Any], field: Field) -> Any:
    """The value of ``field`` in nested ``facts`` (KeyError if absent)."""
    value: Any = facts
    for key in field.path:
        if not isinstance(value, Mapping) or key not in value:
            raise KeyError(field.name)
        value = value[key]
    return value


def _problem(field: Field, value: Any) -> str | None:
    kind = field.type
    if kind is FieldType.BOOL:
        return None if isinstance(value, bool) else "must be true or false"
    if kind is FieldType.STRING:
        if not isinstance(value, str):
            return "must be a string"
        if field.allowed and value not in field.allowed:
            return f"must be one of {', '.join(field.allowed)}"
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return "must be a Decimal" if kind is not FieldType.INTEGER else "must be an int"
    if kind is FieldType.INTEGER and not isinstance(value, int):
        return "must be an int"
    if isinstance(value, Decimal) and not value.is_finite():
        return "must be finite"
    number = Decimal(value)
    if abs(number) > field.bound:
        return f"must be between -{field.bound} and {field.bound}"
    scaled = number * field.engine_scale
    if scaled != scaled.to_integral_value():
        return f"has more decimal places than 1/{field.engine_scale}"
    return None


def validate_facts(vocab: Vocabulary, facts: Mapping[str, Any]) -> None:
    """Raise FactsInvalid listing every missing or mistyped fact of the vocabulary."""
    problems: list[str] = []
    for field in vocab.values():
        try:
            value = lookup(facts, field)
        except KeyError:
            problems.append(f"{field.name} is missing")
            continue
        problem = _problem(field, value)
        if problem:
            problems.append(f"{field.name} {problem} (got {type(value).__name__} {value!r})")
    if problems:
        raise FactsInvalid(problems)


class ValidFacts(dict[str, Any]):
    """Facts that ``validate_facts`` accepted for ``vocabulary``: the proof they were checked,
    so that a path validates its facts once (``valid_facts`` passes these through)."""

    __slots__ = ("vocabulary",)

    def __init__(self, vocabulary: Vocabulary, facts: Mapping[str, Any]) -> None:
        super().__init__(facts)
        self.vocabulary = vocabulary


def valid_facts(vocab: Vocabulary, facts: Mapping[str, Any]) -> ValidFacts:
    """``facts`` validated for ``vocab`` (FactsInvalid if not), unless they already were."""
    if isinstance(facts, ValidFacts) and facts.vocabulary is vocab:
        return facts
    validate_facts(vocab, facts)
    return ValidFacts(vocab, facts)
