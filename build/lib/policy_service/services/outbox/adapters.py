"""Delivery adapters of the outbox: SMTP email (smtplib, from Settings.smtp), logging defaults."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from policy_service.config import SmtpSettings

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A message could not be delivered this time (it will be retried)."""


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Envelope:
    """What an adapter delivers: channel, recipient, subject, bilingual body and files."""

    message_id: int
    channel: str
    recipient: str | None
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()


class Adapter(Protocol):
    """Delivers one message or raises DeliveryError."""

    def send(self, envelope: Envelope) -> None:
        """Deliver ``envelope``."""
        ...


class LoggingAdapter:
    """The default: writes the message to the log and counts it as delivered."""

    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, envelope: Envelope) -> None:
        """Log the message."""
        log.info("%s to %s: %s\n%s", self.channel, envelope.recipient, envelope.subject,
                 envelope.body)


class SmsAdapter(Protocol):
    """An SMS gateway: implement ``send`` and pass it to ``delivery_adapters(smtp, sms=...)``."""

    def send(self, envelope: Envelope) -> None:
        """Deliver an SMS or raise DeliveryError."""
        ...


class SmtpEmailAdapter:
    """Sends email over SMTP with smtplib."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def send(self, envelope: Envelope) -> None:
        """Send one email; any SMTP or network failure becomes DeliveryError."""
        if not envelope.recipient:
            raise DeliveryError("the customer has no email address")
        message = EmailMessage()
        message["From"] = self.settings.sender
        message["To"] = envelope.recipient
        message["Subject"] = envelope.subject
        message.set_content(envelope.body)
        for file in envelope.attachments:
            maintype, _, subtype = file.content_type.partition("/")
            message.add_attachment(file.content, maintype=maintype, subtype=subtype,
                                   filename=file.filename)
        s = self.settings
        try:
            with smtplib.SMTP(s.host, s.port, timeout=s.timeout) as smtp:
                if s.starttls:
                    smtp.starttls()
                if s.user and s.password:
                    smtp.login(s.user, s.password)
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {s.host}:{s.port}: {exc}") from exc


def delivery_adapters(smtp: SmtpSettings | None,
                      sms: SmsAdapter | None = None) -> dict[str, Adapter]:
    """One adapter per channel: SMTP email when ``smtp`` is given, otherwise logging ones."""
    return {
        "email": SmtpEmailAdapter(smtp) if smtp else LoggingAdapter("email"),
        "sms": sms or LoggingAdapter("sms"),
        "letter": LoggingAdapter("letter"),
        "task": LoggingAdapter("task"),
    }


__all__ = ["Adapter", "Attachment", "DeliveryError", "Envelope", "LoggingAdapter", "SmsAdapter",
           "SmtpEmailAdapter", "SmtpSettings", "delivery_adapters"]
