"""Schemathesis over /openapi.json on PostgreSQL: the same run as test_openapi_fuzz.py.

PostgreSQL refuses what SQLite stores (NUL bytes, integers past int4, over-long keys), so
the document's bounds must hold there too. Skipped with a message when the server is
unreachable, except under CI=true.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from policy_service.config import SHIPPED_RULES, Settings
from policy_service.container import Services
from tests.databases import throwaway_database
from tests.integration.test_openapi_fuzz import test_the_app_answers_as_its_document_says

__all__ = ["test_the_app_answers_as_its_document_says"]


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One fresh PostgreSQL database for this module."""
    with throwaway_database("postgresql", tmp_path_factory.mktemp("fuzzdb")) as url:
        Services.build(Settings(database_url=url, instance_path=Path(
            tmp_path_factory.mktemp("fuzzinstance")), rules_dir=SHIPPED_RULES)
        ).database.migrate()
        yield url
