"""The outbox: messages queued by the day's run, delivered with retries and backoff."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from policy_service.db.models import Customer
from policy_service.db.models_receivables import OutboxMessage
from policy_service.db.models_reports import OutboxAttachment
from policy_service.db.types import utcnow
from policy_service.services.outbox.adapters import Adapter, Attachment, DeliveryError, Envelope
from policy_service.services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 60.0


def recipient(customer: Customer, channel: str) -> str | None:
    """Where a channel reaches the customer: email, phone, postal name, or the account owner."""
    return {"email": customer.email, "sms": customer.phone, "letter": customer.name,
            "task": customer.owner or "unassigned"}[channel]


def message_row(customer: Customer, key: str, channel: str, subject: str,
                body: Mapping[str, str], invoice_id: str | None = None) -> dict[str, Any]:
    """The columns of one pending message (for bulk inserts; ``key`` makes it unique)."""
    return {"dedupe_key": key, "customer_id": customer.id, "invoice_id": invoice_id,
            "channel": channel, "recipient": recipient(customer, channel), "subject": subject,
            "body_zh": body["zh"], "body_en": body["en"], "status": "pending", "attempts": 0,
            "next_attempt_at": utcnow()}


def enqueue(session: Session, customer: Customer, key: str, channel: str, subject: str,
            body: Mapping[str, str], invoice_id: str | None = None) -> OutboxMessage:
    """Queue one message; ``key`` makes it unique (queued at most once)."""
    message = OutboxMessage(**message_row(customer, key, channel, subject, body, invoice_id))
    session.add(message)
    return message


@dataclass
class SendReport:
    """What one `outbox send` did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0


def backoff(attempts: int, base: float = BACKOFF_SECONDS) -> timedelta:
    """Wait before the next attempt: base × 2^(attempts-1)."""
    return timedelta(seconds=base * 2 ** max(attempts - 1, 0))


def attach(session: Session, message: OutboxMessage, filename: str, content_type: str,
           content: bytes) -> None:
    """Send a file with a queued message (flushes the message to learn its id)."""
    session.flush()
    session.add(OutboxAttachment(message_id=message.id, filename=filename,
                                 content_type=content_type, content=content))


def _envelope(session: Session, message: OutboxMessage) -> Envelope:
    body = f"{message.body_zh}\n\n{message.body_en}\n"
    files = tuple(Attachment(a.filename, a.content_type, a.content) for a in session.scalars(
        select(OutboxAttachment).where(OutboxAttachment.message_id == message.id)
        .order_by(OutboxAttachment.id)))
    return Envelope(message.id, message.channel, message.recipient, message.subject, body, files)


def _attempt(adapter: Adapter, envelope: Envelope, retries: int, pause: float,
             sleep: Callable[[float], None]) -> str | None:
    """Try now, then ``retries`` more times with doubling pauses; the last error or None."""
    error: str | None = None
    for attempt in range(retries + 1):
        if attempt:
            sleep(pause * 2 ** (attempt - 1))
        try:
            adapter.send(envelope)
            return None
        except DeliveryError as exc:
            error = str(exc)
    return error


def send_pending(
    uow: UnitOfWork, adapters: Mapping[str, Adapter], *, limit: int = 1000,
    retries: int = 2, pause: float = 1.0, max_attempts: int = MAX_ATTEMPTS,
    now: Callable[[], datetime] = utcnow, sleep: Callable[[float], None] = time.sleep,
) -> SendReport:
    """Deliver due pending messages; a failure keeps the message with its error and attempts.

    Each message gets up to ``retries`` immediate retries (pauses doubling from
    ``pause`` seconds); if all fail it is retried by a later run after
    ``backoff(attempts)``, and after ``max_attempts`` runs it is marked failed.
    """
    report = SendReport()
    with uow:
        session = uow.session
        due = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.status == "pending",
                or_(OutboxMessage.next_attempt_at <= now()))
            .order_by(OutboxMessage.id).limit(limit)).all()
        for message in due:
            error = _attempt(adapters[message.channel], _envelope(session, message), retries,
                             pause, sleep)
            message.attempts += 1
            if error is None:
                message.status, message.sent_at, message.last_error = "sent", now(), None
                report.sent += 1
                log.debug("message %d (%s to %s) sent", message.id, message.channel,
                          message.recipient)
            else:
                message.last_error = error
                if message.attempts >= max_attempts:
                    message.status = "failed"
                    report.failed += 1
                    log.warning("message %d (%s) marked failed after %d runs: %s",
                                message.id, message.channel, message.attempts, error)
                else:
                    message.next_attempt_at = now() + backoff(message.attempts)
                    report.retrying += 1
                    log.warning("message %d (%s) not delivered (attempt %d), retried from %s: %s",
                                message.id, message.channel, message.attempts,
                                message.next_attempt_at.isoformat(timespec="seconds"), error)
            uow.commit()
    log.info("outbox: %d due message(s): %d sent, %d to retry, %d marked failed",
             len(due), report.sent, report.retrying, report.failed)
    return report
