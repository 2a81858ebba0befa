"""Issue 8's dangerous rule shapes are refused at save through the API: a located 422 on
POST and PUT of a draft, and nothing stored or changed."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.conftest import Api
from tests.integration.test_rule_lifecycle import BASE, make_draft, published_document

NUMBERS_506 = ", ".join(str(n * 13) for n in range(506))
SHAPES: dict[str, tuple[str, str]] = {  # name -> (when, message)
    "cancelling sides": ("order.amount * 100000000 * 100000000 * 10000000000000 > "
                         "customer.credit_limit * 100000000 * 100000000 * 10000000000000", "m"),
    "huge cancelling constant": ("order.amount + 1" + "0" * 1000 + " > 1" + "0" * 1000, "m"),
    "placeholder overflow": ("order.amount > 0",
                             "over by {order.amount * 10000000000 * 10000000000 * 1000000000"
                             "0 * 10}"),
    "placeholder with a power sign": ("order.amount > 0", "{order.amount * 10^31}"),
    "4,400-digit constant": ("order.amount > " + "9" * 4400, "m"),
    "506-number list": (f"customer.age_days in [{NUMBERS_506}]", "m"),
    "1,000,000-digit literal": ("order.amount > 1" + "0" * 1_000_000, "m"),
    "1,000 parentheses": ("(" * 1000 + "order.amount > 0" + ")" * 1000, "m"),
    "2,000-term and chain": (" and ".join(["customer.review_overdue"] * 2000), "m"),
    "2,000-term sum": (" + ".join(["order.amount"] * 2000) + " > 0", "m"),
    "2,000 nots": ("not " * 2000 + "customer.review_overdue", "m"),
    "superscript two": ("order.amount > 10²", "m"),
    "circled one": ("order.amount > ①", "m"),
    "1 MB message": ("order.amount > 0", "x" * 1_000_000),
    "engine cannot hold it": (" and ".join(["order.amount > customer.credit_limit"] * 14), "m"),
}


def dangerous(api: Api, when: str, message: str) -> dict[str, Any]:
    """The published document with a first rule ``danger`` of this when and message."""
    document = published_document(api)
    rule = copy.deepcopy(next(r for r in document["rules"] if r["name"] == "over_limit"))
    rule.update(name="danger", priority=1, when=when)
    rule["then"]["message"] = {"zh": message, "en": "danger"}
    document["rules"].insert(0, rule)
    return document


def assert_located_refusal(response: Any) -> None:
    """A 422 in the contract's body whose errors name the rule and field, with a position."""
    assert response.status_code == 422, response.get_json()
    errors = response.get_json()["error"]["fields"]["rules"]
    located = [e for e in errors if e["rule"] == "danger"]
    assert located, errors
    assert all({"rule", "field", "line", "column", "message"} <= set(e) for e in errors)
    assert located[0]["field"] in ("when", "then.message.zh")
    assert located[0]["line"] >= 1 and located[0]["column"] >= 1


@pytest.mark.parametrize("shape", SHAPES)
def test_a_dangerous_draft_is_refused_at_post_with_a_located_422_and_nothing_stored(
    api: Api, shape: str,
) -> None:
    when, message = SHAPES[shape]
    response = api.call("POST", f"{BASE}/drafts", role="risk_manager",
                        json=dangerous(api, when, message))
    assert_located_refusal(response)
    assert api.call("GET", f"{BASE}/drafts", role="risk_manager").get_json() == []


@pytest.mark.parametrize("shape", ["cancelling sides", "placeholder overflow",
                                   "1,000 parentheses", "circled one", "1 MB message",
                                   "engine cannot hold it"])
def test_a_dangerous_edit_is_refused_at_put_and_the_draft_keeps_its_document(
    api: Api, shape: str,
) -> None:
    draft = make_draft(api, published_document(api))
    path = f"{BASE}/drafts/{draft['draft_id']}"
    when, message = SHAPES[shape]
    assert_located_refusal(api.call("PUT", path, role="risk_manager",
                                    json=dangerous(api, when, message)))
    kept = api.call("GET", path, role="auditor").get_json()["document"]
    assert kept == draft["document"]


def test_the_published_version_keeps_serving_after_every_refusal(api: Api) -> None:
    before = api.call("GET", BASE, role="auditor").get_json()["version"]
    for when, message in list(SHAPES.values())[:3]:
        api.call("POST", f"{BASE}/drafts", role="risk_manager",
                 json=dangerous(api, when, message))
    assert api.call("GET", BASE, role="auditor").get_json()["version"] == before
