"""Vocabularies of the account rule sets: penalty, escalation, review, classes, blacklist watch."""

from __future__ import annotations

from decimal import Decimal

from policy_service.language.vocabulary import (
    CURRENCIES,
    DAYS,
    STATUSES,
    TIERS,
    Field,
    FieldType,
    Vocabulary,
)

T = FieldType


def _f(name: str, type_: FieldType, en: str, zh: str, allowed: tuple[str, ...] = (),
       max_abs: int | None = None) -> Field:
    bound = Decimal(max_abs) if max_abs is not None else None
    return Field(name, type_, en, zh, allowed, max_abs=bound)


_CUSTOMER = (
    _f("customer.tier", T.STRING, "credit tier: A good, B fair, C poor, D cash in advance",
       "信用等级：A 良好，B 一般，C 较差，D 预付款", TIERS),
    _f("customer.status", T.STRING, "customer status", "客户状态", STATUSES),
)

PENALTY_VOCABULARY = Vocabulary("overdue_penalty", (
    _f("invoice.amount", T.MONEY, "invoice amount", "发票金额"),
    _f("invoice.unpaid_principal", T.MONEY, "principal not yet paid", "未付本金"),
    _f("invoice.currency", T.STRING, "invoice currency", "发票币种", CURRENCIES),
    *_CUSTOMER,
    _f("customer.grace_days", T.INTEGER, "grace days of the customer's tier (the tier row)",
       "客户信用等级的宽限天数（等级设置）", max_abs=3650),
))

ESCALATION_VOCABULARY = Vocabulary("escalation", (
    _f("invoice.days_from_due", T.INTEGER,
       "days since the due date (negative before it: -7 is a week before)",
       "距到期日天数（到期前为负数，如 -7 为到期前 7 天）", max_abs=DAYS),
    _f("invoice.amount", T.MONEY, "invoice amount", "发票金额"),
    _f("invoice.outstanding", T.MONEY, "unpaid principal plus unpaid, unwaived penalty",
       "未付本金加未付且未减免的罚款"),
    _f("invoice.penalty_accrued", T.MONEY, "penalty accrued and neither paid nor waived",
       "已计提且未支付、未减免的罚款"),
    _f("invoice.currency", T.STRING, "invoice currency", "发票币种", CURRENCIES),
    _f("invoice.number", T.STRING, "the invoice id", "发票号"),
    _f("invoice.due_date", T.STRING, "due date (YYYY-MM-DD)", "到期日（YYYY-MM-DD）"),
    *_CUSTOMER,
    _f("customer.name", T.STRING, "customer name", "客户名称"),
    _f("customer.grace_days", T.INTEGER, "grace days of the customer's penalty terms",
       "客户逾期罚款的宽限天数", max_abs=3650),
    _f("penalty.daily_rate_percent", T.DECIMAL,
       "the customer's daily late-interest rate, in percent (0 when none applies)",
       "客户逾期罚款的日利率（百分比，不适用时为 0）", max_abs=100),
    _f("penalty.cap_percent", T.DECIMAL,
       "the customer's late-interest cap, in percent of the invoice amount",
       "客户逾期罚款上限（占发票金额的百分比）", max_abs=1000),
    _f("instalment.days_late", T.INTEGER,
       "days the earliest unpaid instalment of the invoice's payment plan is past its date "
       "(0 when none is; a rule with the break_plan action breaks the plan)",
       "发票所在还款计划中最早未付分期款逾期的天数（无则为 0；带 break_plan 动作的规则使计划失效）",
       max_abs=DAYS),
))

REVIEW_VOCABULARY = Vocabulary("limit_review", (
    _f("review.on_time_rate", T.DECIMAL,
       "share of the amount of invoices due in the last 365 days paid by the due date (0–1)",
       "近 365 天到期发票金额中按期支付的比例（0–1）"),
    _f("review.max_days_late", T.INTEGER,
       "most days any invoice due in the last 365 days was (or is) paid late",
       "近 365 天到期发票的最大逾期天数", max_abs=DAYS),
    _f("review.overdue_amount", T.MONEY, "amount overdue now", "当前逾期金额"),
    _f("review.oldest_overdue_days", T.INTEGER,
       "days past due of the oldest overdue invoice now (0 if none)",
       "当前最早逾期发票的逾期天数（无则为 0）", max_abs=DAYS),
    _f("review.utilization", T.DECIMAL,
       "average daily exposure over the last 365 days (open principal, accrued unpaid penalty "
       "and reserved orders) divided by the credit limit; never negative",
       "近 365 天日均信用占用（未付本金、已计未付罚款与预留订单）/ 信用额度；不为负"),
    _f("review.invoice_count", T.INTEGER, "invoices due in the last 365 days",
       "近 365 天到期的发票张数"),
    *_CUSTOMER,
    _f("customer.credit_limit", T.MONEY, "credit limit", "信用额度"),
))

RECEIVABLE_CLASSES_VOCABULARY = Vocabulary("receivable_classes", (
    _f("invoice.days_past_due", T.INTEGER,
       "days since the due date (0 or negative until it has passed; 0 for a paid invoice)",
       "逾期天数（未到期为 0 或负数；已付清为 0）", max_abs=DAYS),
    _f("invoice.written_off", T.BOOL, "a risk manager wrote the invoice off",
       "已由风控经理核销"),
))

BLACKLIST_WATCH_VOCABULARY = Vocabulary("blacklist_watch", (
    _f("invoice.days_late", T.INTEGER,
       "days after the due date the principal was fully paid, or, while unpaid, days past "
       "due until today (0 if paid on time or not yet due)",
       "本金付清时距到期日的天数；未付清则为至今的逾期天数（按期付款或未到期为 0）",
       max_abs=DAYS),
    _f("invoice.amount", T.MONEY, "invoice amount", "发票金额"),
    _f("invoice.currency", T.STRING, "invoice currency", "发票币种", CURRENCIES),
    *_CUSTOMER,
))

EARLY_WARNING_VOCABULARY = Vocabulary("early_warning", (
    *_CUSTOMER,
    _f("customer.name", T.STRING, "customer name", "客户名称"),
    _f("customer.credit_limit", T.MONEY, "credit limit", "信用额度"),
    _f("customer.currency", T.STRING, "the customer's currency", "客户币种", CURRENCIES),
    _f("customer.broken_plans_365d", T.INTEGER,
       "payment plans the customer broke in the last 365 days (as in credit_approval; "
       "a plan broken on the day's run counts at once)",
       "近 365 天内失效的还款计划数（与 credit_approval 相同；当日运行中失效的计划立即计入）",
       max_abs=DAYS),
    _f("exposure.total", T.MONEY, "open receivables (with unpaid penalty) + reserved orders",
       "信用占用合计（未收应收账款含罚款 + 已批准未开票订单）"),
    _f("exposure.utilization", T.DECIMAL,
       "exposure now divided by the credit limit, collateral not counted (0 when the limit is 0)",
       "当前信用占用 / 信用额度（不计担保；额度为 0 时为 0）", max_abs=1000000),
    _f("overdue.amount", T.MONEY,
       "outstanding of the invoices past their due date, less amounts under open dispute",
       "逾期发票的未收金额（不含争议中的金额）"),
    _f("overdue.share", T.DECIMAL, "overdue amount divided by the open receivables (0–1)",
       "逾期金额 / 未收应收账款（0–1）", max_abs=1),
    _f("payments.days_late_90d", T.DECIMAL,
       "average days late of the payments of the last 90 days, weighted by amount "
       "(0 if none; paid early counts as 0)",
       "近 90 天付款的平均逾期天数（按金额加权；无付款为 0；提前付款计 0）", max_abs=DAYS),
    _f("payments.days_late_prior_90d", T.DECIMAL,
       "the same average over the 90 days before those", "再往前 90 天付款的平均逾期天数",
       max_abs=DAYS),
    _f("payments.days_since_last", T.INTEGER,
       "days since the last payment's value date (since the oldest open invoice was issued "
       "if nothing was paid; 0 with no invoice)",
       "距最近一次付款起息日的天数（从未付款则自最早未付发票开票日起；无发票为 0）",
       max_abs=DAYS),
))
