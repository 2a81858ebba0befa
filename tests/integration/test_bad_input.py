"""Bad input gets the contract's 4xx with a clear message and changes nothing."""

from __future__ import annotations

import pytest

from tests.conftest import Api


def _no_checks_recorded(api: Api) -> None:
    credit = api.call("GET", "/v1/customers/C-1/credit").get_json()
    assert credit["exposure"]["reserved_orders"] == "0.00"


@pytest.mark.parametrize(("amount", "fragment"), [
    (1000, "not JSON numbers"),
    (10.5, "not JSON numbers"),
    ("-5.00", "negative"),
    ("0", "greater than zero"),
    ("1000000000000.01", "exceed"),
    ("1e3", "not a decimal string"),
    (" 1 ", "not a decimal string"),
    ("1_000", "not a decimal string"),
    ("+5", "not a decimal string"),
    ("１２", "not a decimal string"),
    ("١٢", "not a decimal string"),
    ("12.", "not a decimal string"),
    ("12\n", "not a decimal string"),
    ("12.345", "two decimal places"),
    ("twelve", "not a decimal"),
])
def test_a_bad_amount_is_refused_with_a_clear_message(api: Api, amount, fragment) -> None:
    api.customer()
    response = api.call("POST", "/v1/credit-checks", json={
        "order_id": "SO-1", "customer_id": "C-1", "amount": amount, "currency": "CNY"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert fragment in " ".join(error["fields"]["amount"])
    _no_checks_recorded(api)


def test_malformed_json_is_a_400(api: Api) -> None:
    response = api.client.post("/v1/credit-checks", data="{not json",
                               headers={**api.keys["order_system"],
                                        "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


CHECK = ('"order_id": "SO-1", "customer_id": "C-1", "amount": "10.00", '
         '"currency": "CNY"')


@pytest.mark.parametrize(("body", "fragment"), [
    ("{" + CHECK + ', "amount": "99999.00"}', "appears twice"),
    ("{" + CHECK + ', "x": ' + "[" * 1000 + "]" * 1000 + "}", "nested deeper"),
    ("{" + CHECK + ', "x": ' + "[" * 40 + "]" * 40 + "}", "nested deeper"),
    ("{" + CHECK + ', "n": ' + "9" * 5001 + "}", "number longer"),
    ("{" + CHECK + ', "n": 1' + "0" * 60 + ".5}", "number longer"),
    ('{"order_id": "SO-\\udcff", "customer_id": "C-1", "amount": "1.00", "currency": "CNY"}',
     "lone surrogate"),
    ('{"order_id": "SO-\\u0000", "customer_id": "C-1", "amount": "1.00", "currency": "CNY"}',
     "NUL"),
    ("{" + CHECK + ', "n": NaN}', "NaN is not JSON"),
])
def test_a_body_the_contract_does_not_read_is_a_400_and_changes_nothing(
        api: Api, body: str, fragment: str) -> None:
    api.customer()
    response = api.client.post("/v1/credit-checks", data=body,
                               headers={**api.keys["order_system"],
                                        "Content-Type": "application/json"})
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert error["code"] == "bad_request" and fragment in error["message"]
    _no_checks_recorded(api)


def test_a_body_that_is_not_utf8_is_a_400(api: Api) -> None:
    api.customer()
    response = api.client.post("/v1/credit-checks", data=b'{"order_id": "\xff"}',
                               headers={**api.keys["order_system"],
                                        "Content-Type": "application/json"})
    assert response.status_code == 400 and "UTF-8" in response.get_json()["error"]["message"]


def test_json_sent_as_text_plain_is_a_415(api: Api) -> None:
    api.customer()
    response = api.client.post("/v1/credit-checks", data="{" + CHECK + "}",
                               headers={**api.keys["order_system"],
                                        "Content-Type": "text/plain"})
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"
    _no_checks_recorded(api)


def test_a_body_over_one_megabyte_is_a_413_with_the_contract_body(api: Api) -> None:
    api.customer()
    body = "{" + CHECK + ', "pad": "' + "x" * (1024 * 1024) + '"}'
    response = api.client.post("/v1/credit-checks", data=body,
                               headers={**api.keys["order_system"],
                                        "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    _no_checks_recorded(api)


def test_an_unknown_customer_is_a_404(api: Api) -> None:
    response = api.check("SO-1", "10.00", customer_id="NOPE")
    assert response.status_code == 404
    assert "NOPE" in response.get_json()["error"]["message"]


def test_another_currency_than_the_customers_is_refused(api: Api) -> None:
    api.customer(currency="CNY")
    response = api.check("SO-1", "10.00", currency="USD")
    assert response.status_code == 422
    assert "CNY" in response.get_json()["error"]["message"]
    _no_checks_recorded(api)


def test_an_unknown_tier_is_refused(api: Api) -> None:
    response = api.call("PUT", "/v1/customers/C-9", json={
        "name": "X", "tier": "Z", "credit_limit": "1.00", "currency": "CNY"})
    assert response.status_code == 422
    assert "tier" in response.get_json()["error"]["fields"]
    assert api.call("GET", "/v1/customers/C-9/credit").status_code == 404


def test_an_unknown_field_is_refused(api: Api) -> None:
    api.customer()
    response = api.check("SO-1", "10.00", amout="10.00")
    assert response.status_code == 422
    assert "amout" in response.get_json()["error"]["fields"]


def test_missing_and_unknown_keys_are_401_and_wrong_roles_403(api: Api) -> None:
    api.customer()
    assert api.client.get("/v1/customers/C-1/credit").status_code == 401
    bad = api.client.get("/v1/customers/C-1/credit", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    assert bad.get_json()["error"]["code"] == "unauthorized"
    for role in ("sales", "auditor", "risk_manager"):
        response = api.call("POST", "/v1/credit-checks", role=role, json={
            "order_id": f"SO-{role}", "customer_id": "C-1", "amount": "1.00", "currency": "CNY"})
        assert response.status_code == 403, role
        assert response.get_json()["error"]["code"] == "forbidden"


def test_an_invoice_id_reused_with_another_body_is_a_conflict(api: Api) -> None:
    api.customer()
    body = {"invoice_id": "INV-1", "customer_id": "C-1", "amount": "100.00",
            "currency": "CNY", "issue_date": "2026-11-01"}
    assert api.call("POST", "/v1/invoices", json=body).status_code == 201
    assert api.call("POST", "/v1/invoices", json=body).status_code == 200
    response = api.call("POST", "/v1/invoices", json={**body, "amount": "101.00"})
    assert response.status_code == 409
    assert api.call("GET", "/v1/invoices/INV-1").get_json()["amount"] == "100.00"


def test_a_bad_date_is_refused(api: Api) -> None:
    api.customer()
    response = api.call("POST", "/v1/invoices", json={
        "invoice_id": "INV-1", "customer_id": "C-1", "amount": "100.00",
        "currency": "CNY", "issue_date": "2026-13-45"})
    assert response.status_code == 422
    assert "issue_date" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("path", [
    "/v1/customers/" + "C" * 65 + "/credit",
    "/v1/customers/C-%E2%80%AE1/credit",          # a bidi override
    "/v1/customers/C-%00/credit",
    "/v1/customers/C-%E2%80%8B/credit",           # a zero-width space
    "/v1/rulesets/credit_approval/versions/2147483648",
    "/v1/rulesets/credit_approval/versions/99999999999999999999",
    "/v1/customers/C-1/reviews/9223372036854775808/approve",
])
def test_an_out_of_bounds_path_parameter_is_a_404_with_the_contract_body(api: Api,
                                                                          path: str) -> None:
    api.customer()
    method = "POST" if path.endswith("approve") else "GET"
    response = api.call(method, path, "risk_manager", json={"note": "x"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_an_out_of_range_id_is_a_404_even_where_another_route_of_that_shape_takes_get(
        api: Api, method: str) -> None:
    # Found by schemathesis: werkzeug answered 405 "Allow: GET" (which was also a 404).
    response = api.call(method, "/v1/rulesets/credit_approval/drafts/35810782269459",
                        "risk_manager", json={"rules": []})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_a_nul_in_the_query_string_is_a_400(api: Api) -> None:
    response = api.call("GET", "/v1/reports/aging?as_of=2026-01-01%00", "auditor")
    assert response.status_code == 400
    assert "NUL" in response.get_json()["error"]["message"]


def test_a_wrong_method_is_a_405_that_says_which_methods_are_allowed(api: Api) -> None:
    response = api.call("DELETE", "/v1/credit-checks")
    assert response.status_code == 405
    assert sorted(response.headers["Allow"].split(", ")) == ["OPTIONS", "POST"]
    assert response.get_json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(("field", "value"), [
    ("issue_date", "1900-01-01"), ("issue_date", "9999-12-31"), ("due_date", "2200-01-01"),
])
def test_a_date_outside_1970_to_2199_is_refused_and_nothing_stored(api: Api, field: str,
                                                                     value: str) -> None:
    api.customer()
    body = {"invoice_id": "I-OLD", "customer_id": "C-1", "amount": "10.00", "currency": "CNY",
            "issue_date": "2026-01-01", field: value}
    response = api.call("POST", "/v1/invoices", json=body)
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]
    assert api.call("GET", "/v1/invoices/I-OLD", "auditor").status_code == 404


def test_a_due_date_the_term_pushes_past_2199_is_refused(api: Api) -> None:
    api.customer()
    response = api.call("POST", "/v1/invoices", json={
        "invoice_id": "I-LATE", "customer_id": "C-1", "amount": "10.00", "currency": "CNY",
        "issue_date": "2199-12-31"})
    assert response.status_code == 422 and "due_date" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("as_of", ["1900-01-01", "9999-12-31"])
def test_an_aging_date_outside_the_window_is_a_422(api: Api, as_of: str) -> None:
    response = api.call("GET", f"/v1/reports/aging?as_of={as_of}", "auditor")
    assert response.status_code == 422 and "as_of" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("order_id", ["SO-\u202e1", "SO-\u200b1", "SO-\x071", "x" * 65])
def test_an_id_with_invisible_or_control_characters_is_a_422(api: Api, order_id: str) -> None:
    api.customer()
    response = api.check(order_id, "10.00")
    assert response.status_code == 422 and "order_id" in response.get_json()["error"]["fields"]
    _no_checks_recorded(api)


def test_exposure_past_the_money_bound_holds_the_order_with_a_clear_reason(api: Api) -> None:
    api.customer(credit_limit="1000000000000.00")
    for n in range(2):
        assert api.call("POST", "/v1/invoices", json={
            "invoice_id": f"I-{n}", "customer_id": "C-1", "amount": "1000000000000.00",
            "currency": "CNY", "issue_date": "2026-01-01"}).status_code == 201
    response = api.check("SO-BIG", "10.00")
    assert response.status_code == 200
    body = response.get_json()
    assert body["outcome"] == "hold"
    assert [r["code"] for r in body["reasons"]] == ["AMOUNT_OUT_OF_RANGE"]
    assert "risk manager" in body["reasons"][0]["message"]["en"]
    released = api.call("POST", f"/v1/credit-checks/{body['decision_id']}/release",
                        "risk_manager", json={"note": "checked with the CFO"})
    assert released.status_code == 200


def test_a_jpy_amount_with_decimals_is_refused_everywhere_and_changes_nothing(api: Api) -> None:
    refused = api.call("PUT", "/v1/customers/C-JP", json={
        "name": "Tokyo KK", "tier": "B", "credit_limit": "1000000.50", "currency": "JPY"})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"]["credit_limit"] == ["JPY amounts have no decimals"]
    api.customer("C-JP", name="Tokyo KK", credit_limit="1000000", currency="JPY")
    check = api.call("POST", "/v1/credit-checks", json={
        "order_id": "SO-JP", "customer_id": "C-JP", "amount": "1000.50", "currency": "JPY"})
    assert check.status_code == 422 and "amount" in check.get_json()["error"]["fields"]
    invoice = api.call("POST", "/v1/invoices", json={
        "invoice_id": "I-JP", "customer_id": "C-JP", "amount": "5000.5", "currency": "JPY",
        "issue_date": "2026-01-01"})
    assert invoice.status_code == 422
    credit = api.call("GET", "/v1/customers/C-JP/credit", "auditor").get_json()
    assert credit["exposure"]["total"] == "0.00"
    whole = api.call("POST", "/v1/credit-checks", json={
        "order_id": "SO-JP2", "customer_id": "C-JP", "amount": "1000", "currency": "JPY"})
    assert whole.status_code == 200 and whole.get_json()["outcome"] == "approved"
