"""Whatever reaches the edge leaves in the contract's body with a stable code."""

from __future__ import annotations

from decimal import InvalidOperation

import pytest
from flask import Flask
from sqlalchemy.exc import DataError, IntegrityError

from policy_service.api.errors import register_error_handlers
from policy_service.engine.errors import EngineError, UnknownRulesetError


@pytest.mark.parametrize(("error", "status", "code"), [
    (IntegrityError("INSERT", {}, Exception("duplicate key")), 409, "conflict"),
    (DataError("INSERT", {}, Exception("numeric field overflow")), 422, "invalid"),
    (EngineError("evaluation failed"), 503, "engine_error"),
    (UnknownRulesetError("credit_approval"), 503, "ruleset_not_loaded"),
    (OverflowError("date value out of range"), 422, "out_of_range"),
    (InvalidOperation(), 422, "out_of_range"),
    (RecursionError(), 422, "out_of_range"),
    (RuntimeError("a bug"), 500, "internal"),
])
def test_an_exception_at_the_edge_becomes_the_contract_body(error: Exception, status: int,
                                                            code: str) -> None:
    app = Flask(__name__)
    register_error_handlers(app)

    @app.get("/boom")
    def boom() -> None:
        raise error

    response = app.test_client().get("/boom")
    assert response.status_code == status
    body = response.get_json()
    assert body["error"]["code"] == code and set(body["error"]) == {"code", "message", "fields"}
    assert "Traceback" not in response.get_data(as_text=True)
