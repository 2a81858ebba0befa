"""Delivery adapters of the outbox: SMTP email (smtplib, from the environment), logging defaults."""

from __future__ import annotations

import logging
import os
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A message could not be delivered this time (it will be retried)."""


@dataclass(frozen=True)
class Envelope:
    """What an adapter delivers: channel, recipient, subject and bilingual body."""

    message_id: int
    channel: str
    recipient: str | None
    subject: str
    body: str


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
    """An SMS gateway: implement ``send`` and pass it to ``adapters_from_env(sms=...)``."""

    def send(self, envelope: Envelope) -> None:
        """Deliver an SMS or raise DeliveryError."""
        ...


@dataclass(frozen=True)
class SmtpSettings:
    """POLICY_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM, _STARTTLS (1/0), _TIMEOUT."""

    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = "policy-service@localhost"
    starttls: bool = False
    timeout: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpSettings | None:
        """Settings when POLICY_SMTP_HOST is set, else None (email is then only logged)."""
        env = os.environ if env is None else env
        host = env.get("POLICY_SMTP_HOST")
        if not host:
            return None
        return cls(host=host, port=int(env.get("POLICY_SMTP_PORT", "25")),
                   user=env.get("POLICY_SMTP_USER") or None,
                   password=env.get("POLICY_SMTP_PASSWORD") or None,
                   sender=env.get("POLICY_SMTP_FROM", cls.sender),
                   starttls=env.get("POLICY_SMTP_STARTTLS", "0") == "1",
                   timeout=float(env.get("POLICY_SMTP_TIMEOUT", "10")))


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


def adapters_from_env(env: Mapping[str, str] | None = None,
                      sms: SmsAdapter | None = None) -> dict[str, Adapter]:
    """One adapter per channel: SMTP email when configured, otherwise logging ones."""
    smtp = SmtpSettings.from_env(env)
    return {
        "email": SmtpEmailAdapter(smtp) if smtp else LoggingAdapter("email"),
        "sms": sms or LoggingAdapter("sms"),
        "letter": LoggingAdapter("letter"),
        "task": LoggingAdapter("task"),
    }
