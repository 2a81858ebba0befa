"""Canonical request fingerprints for idempotency keys."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from typing import Any

from policy_service.domain.money import to_wire


def _canonical(value: Any) -> Any:
    if isinstance(value, Decimal):
        return to_wire(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def fingerprint(body: dict[str, Any]) -> str:
    """SHA-256 of the normalized body: same meaning, same fingerprint."""
    text = json.dumps(_canonical(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
