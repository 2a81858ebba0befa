"""One bounded cache: compiled versions (by checksum) and parsed templates stay bounded."""

from __future__ import annotations

import json

import pytest

from policy_service.config import SHIPPED_RULES
from policy_service.language import rendering, versions
from policy_service.language.cache import BoundedCache
from policy_service.language.document import RuleSetInvalid
from policy_service.language.vocabularies_account import RECEIVABLE_CLASSES_VOCABULARY

RULES = SHIPPED_RULES


def test_the_least_recently_used_value_is_dropped_first() -> None:
    cache: BoundedCache[str, int] = BoundedCache(2)
    cache.get("a", lambda: 1)
    cache.get("b", lambda: 2)
    assert cache.get("a", lambda: 0) == 1  # a is now the most recent
    cache.get("c", lambda: 3)
    assert len(cache) == 2
    assert cache.get("b", lambda: 20) == 20  # b was dropped and is made again
    assert cache.get("a", lambda: 0) == 0  # and a after it (c, b were newer)


def test_a_value_that_cannot_be_made_is_not_kept() -> None:
    cache: BoundedCache[str, int] = BoundedCache(2)
    with pytest.raises(ZeroDivisionError):
        cache.get("x", lambda: 1 // 0)
    assert len(cache) == 0


def _document(n: int) -> dict:
    document = json.loads((RULES / "credit_approval.json").read_text(encoding="utf-8"))
    document["description"] = f"variant {n}"
    return document


def test_a_version_is_compiled_once_and_the_versions_cache_stays_bounded() -> None:
    versions.COMPILED.clear()
    first = versions.compiled_version(_document(0))
    assert versions.compiled_version(_document(0)) is first
    for n in range(3 * versions.MAX_VERSIONS):
        versions.compiled_version(_document(n))
    assert len(versions.COMPILED) == versions.MAX_VERSIONS
    assert versions.compiled_version(_document(0)) is not first  # evicted, compiled again


def test_an_invalid_document_is_refused_and_not_cached() -> None:
    versions.COMPILED.clear()
    with pytest.raises(RuleSetInvalid):
        versions.compiled_version({"name": "credit_approval", "rules": []})
    assert len(versions.COMPILED) == 0


def test_the_parsed_templates_cache_stays_bounded() -> None:
    rendering.TEMPLATES.clear()
    facts = {"invoice": {"days_past_due": 3, "written_off": False}}
    for n in range(rendering.MAX_TEMPLATES + 100):
        text = rendering.render_template(f"#{n}: {{invoice.days_past_due}} days",
                                         RECEIVABLE_CLASSES_VOCABULARY, facts)
        assert text == f"#{n}: 3 days"
    assert len(rendering.TEMPLATES) == rendering.MAX_TEMPLATES
