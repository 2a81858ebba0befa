"""What a remedy tells sales, in Chinese and English, with amounts in the currency.

A remedy carries its ``Words`` (the kind of message and what fills it) and they are written
out when the remedy goes into the decision's body (``Remedy.to_dict``): once per decision,
and not while the remedies are being worked out.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from policy_service.domain.money import money_text

_TEXTS = {
    "reduce_amount": ("将订单金额降至 {amount} 以下即可批准",
                      "reduce the order to {amount} or less to be approved"),
    "no_amount": ("任何订单金额均无法获批", "no order amount would be approved"),
    "prepay": ("预付 {amount} 后可批准", "prepay {amount} to be approved"),
    "pay_overdue": ("收回发票 {invoices} 逾期款 {amount} 后可发货",
                    "collect {amount} overdue on {invoices} to ship"),
    "overdue_not_enough": ("收回全部逾期款也不足以获批",
                           "collecting every overdue invoice would not be enough"),
    "complete_review": ("完成客户的定期信用审核后可批准",
                        "complete the customer's periodic credit review to be approved"),
    "resolve_status": ("须由风控经理将客户状态由 {current} 改为 {to}",
                       "a risk manager must change the customer's status from {current} "
                       "to {to}"),
    "no_term": ("任何账期均无法获批", "no payment term would be approved"),
    "shorten_term": ("将申请账期缩短至 {days} 天以内即可批准",
                     "ask for a term of {days} days or less to be approved"),
}


_FILLS = {kind: tuple(f for f in ("amount", "invoices", "current", "to", "days")
                     if "{" + f + "}" in zh + en) for kind, (zh, en) in _TEXTS.items()}
"""The placeholders each message has (most have one or none)."""


def message(kind: str, currency: str, amount: Decimal | None = None,
            invoices: Sequence[str] = (), *, current: str = "", to: str = "",
            days: int = 0) -> dict[str, str]:
    """The remedy's message {zh, en}: "8,000.00 CNY", invoices listed oldest first."""
    zh, en = _TEXTS[kind]
    for fill in _FILLS[kind]:
        if fill == "amount":
            text = money_text(amount, currency) if amount is not None else ""
            zh, en = zh.replace("{amount}", text), en.replace("{amount}", text)
        elif fill == "invoices":
            zh = zh.replace("{invoices}", "、".join(invoices))
            en = en.replace("{invoices}", ", ".join(invoices))
        else:
            text = {"current": current, "to": to, "days": str(days)}[fill]
            zh, en = zh.replace("{" + fill + "}", text), en.replace("{" + fill + "}", text)
    return {"zh": zh, "en": en}


class Words(NamedTuple):
    """A remedy's message before it is written out: its kind and what fills it."""

    kind: str
    currency: str
    amount: Decimal | None = None
    invoices: tuple[str, ...] = ()
    current: str = ""
    to: str = ""
    days: int = 0

    def render(self) -> dict[str, str]:
        """The message {zh, en} (``message``)."""
        return message(self.kind, self.currency, self.amount, self.invoices,
                       current=self.current, to=self.to, days=self.days)
