"""The outbox: bilingual messages from the day's run, sent over SMTP, failures kept and retried."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from policy_service.container import Services
from policy_service.db.models_receivables import OutboxMessage
from policy_service.db.types import utcnow
from policy_service.services.day.run import run_daily
from policy_service.services.outbox.adapters import (
    DeliveryError,
    Envelope,
    LoggingAdapter,
    SmtpEmailAdapter,
    SmtpSettings,
    delivery_adapters,
)
from policy_service.services.outbox.messages import send_pending
from tests.integration.receivables_book import customer, invoice, rows, shipped_step_day

DUE = date(2026, 3, 1)


class Inbox:
    """aiosmtpd handler keeping every message received."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A local SMTP server on a free port."""
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


class Failing:
    """An adapter that always fails."""

    def __init__(self) -> None:
        self.calls = 0

    def send(self, envelope: Envelope) -> None:
        self.calls += 1
        raise DeliveryError("gateway down")


def queue_overdue_notice(app: Services) -> None:
    customer(app)
    invoice(app, "I-1", "12000.00", DUE)
    run_daily(app.uow(), app.rulesets, DUE + timedelta(days=shipped_step_day("overdue_notice")))


def test_an_overdue_notice_arrives_by_smtp_in_chinese_and_english_with_the_amount(
        services: Services, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    queue_overdue_notice(services)
    adapters = {**delivery_adapters(None),
                "email": SmtpEmailAdapter(SmtpSettings("127.0.0.1", port, sender="ar@x.test"))}
    report = send_pending(services.uow(), adapters, sleep=lambda _s: None)
    assert report.sent == 2  # the notice, and the owner's early-warning task (logged)
    (mail,) = inbox.messages
    assert mail["To"] == "c-1@example.com"
    body = mail.get_payload(decode=True).decode("utf-8")
    assert "12,000.00 CNY" in body and "逾期" in body and "overdue" in body
    (message,) = rows(services, OutboxMessage, channel="email")
    assert (message.status, message.attempts) == ("sent", 1)


def test_a_failing_delivery_keeps_the_message_with_its_error_and_backs_off(
        services: Services) -> None:
    queue_overdue_notice(services)
    failing = Failing()
    pauses: list[float] = []
    adapters = {**delivery_adapters(None), "email": failing}
    report = send_pending(services.uow(), adapters, retries=2, pause=1.0, sleep=pauses.append)
    assert (report.retrying, failing.calls, pauses) == (1, 3, [1.0, 2.0])
    (message,) = rows(services, OutboxMessage, channel="email")
    assert (message.status, message.attempts, message.last_error) == (
        "pending", 1, "gateway down")
    assert message.next_attempt_at > utcnow()
    assert send_pending(services.uow(), adapters, sleep=pauses.append).retrying == 0


def test_after_the_last_attempt_a_message_is_marked_failed_not_lost(services: Services) -> None:
    queue_overdue_notice(services)
    clock = [utcnow()]

    def later() -> datetime:
        return clock[0]

    for _ in range(3):
        send_pending(services.uow(), {**delivery_adapters(None), "email": Failing()},
                     retries=0, max_attempts=3, now=later)
        clock[0] += timedelta(days=1)
    (message,) = rows(services, OutboxMessage, channel="email")
    assert (message.status, message.attempts, message.last_error) == (
        "failed", 3, "gateway down")


def test_the_default_adapters_log_every_channel(caplog: pytest.LogCaptureFixture) -> None:
    adapters = delivery_adapters(None)
    assert all(isinstance(a, LoggingAdapter) for a in adapters.values())
    with caplog.at_level("INFO"):
        adapters["sms"].send(Envelope(1, "sms", "+86", "subject", "body text"))
    assert "body text" in caplog.text
