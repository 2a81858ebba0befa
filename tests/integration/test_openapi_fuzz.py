"""Schemathesis over /openapi.json: the document tells the truth about the app.

Every operation is driven with generated valid and invalid requests, with an
key of every role (order system, sales, risk manager, auditor), under every check
schemathesis has (no server error, documented status codes, content types and headers,
response bodies matching their schemas, invalid data refused). On SQLite and on
PostgreSQL (NUL bytes, long ids and int4 bounds are refused before they reach it); one
database per backend, shared by the examples as a client's requests would share it.
Derandomized and bounded so it is the same run every time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from policy_service.config import SHIPPED_RULES, Settings
from policy_service.container import Services
from tests.databases import throwaway_database

MAX_EXAMPLES = 25


# The backend of this module; test_openapi_fuzz_postgresql.py runs the same on PostgreSQL
# (two files, so the two test workers share the work).
BACKEND = "sqlite"


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One fresh database for this module (conftest's services/app/keys use it)."""
    with throwaway_database(BACKEND, tmp_path_factory.mktemp("fuzzdb")) as url:
        Services.build(Settings(database_url=url, instance_path=Path(
            tmp_path_factory.mktemp("fuzzinstance")), rules_dir=SHIPPED_RULES)
        ).database.migrate()
        yield url


# A schema-valid request may still be refused for a business reason: an unknown tier or
# customer (404), a currency other than the customer's, an amount over the limit (422), an
# id reused with other data (409). Never a server error (5xx are not expected here).
# NUL is refused with 400 in every string (json_body, paths); the document's patterns say so,
# but free-form rule documents cannot, so NUL is not generated.
CONFIG = """
[generation]
allow-x00 = false

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "403", "404", "409", "422"]

[auth]
auto-signup = false

[auth.openapi.bearerAuth]
bearer = "{key}"
"""
FUZZ = settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("role", ["order_system", "sales", "risk_manager", "auditor"])
def test_the_app_answers_as_its_document_says(app: Flask, keys: dict[str, dict[str, str]],
                                              role: str, mode: GenerationMode) -> None:
    # The key as the document's bearerAuth scheme: schemathesis then knows which requests
    # it sent with it and which without (the ignored_auth check), instead of a header
    # added behind its back turning its "missing credentials" cases into valid ones.
    key = keys[role]["Authorization"].removeprefix("Bearer ")
    config = SchemathesisConfig.from_str(CONFIG.format(key=key))
    document = schemathesis.openapi.from_wsgi("/openapi.json", app, config=config)
    failures: dict[str, str] = {}
    answered: Counter[int] = Counter()
    for result in document.get_all_operations():
        operation = result.ok()

        @FUZZ
        @given(case=operation.as_strategy(generation_mode=mode))
        def fuzz(case: Any) -> None:
            answered[case.call_and_validate().status_code] += 1

        try:
            fuzz()
        except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
            assert mode is GenerationMode.NEGATIVE
        except (Exception, BaseExceptionGroup) as failure:  # every operation's, not the first
            failures[operation.label] = str(failure)[:3000]
    if mode is GenerationMode.POSITIVE:  # the key was sent: valid requests got through
        # Sales and auditors may only read (sales: their own customers), so fewer succeed.
        least = 20 if role in ("order_system", "risk_manager") else 5
        assert answered[401] == 0 and sum(
            n for status, n in answered.items() if status < 300) >= least, answered
    assert not failures, "\n\n".join(f"{label}: {text}" for label, text in failures.items())
