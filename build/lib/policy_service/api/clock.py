"""GET /v1/clock: the business date every endpoint and command works with."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from policy_service.api.auth import READ_CREDIT, requires
from policy_service.api.context import services
from policy_service.api.json_body import Blueprint

blp = Blueprint("clock", __name__, url_prefix="/v1", description="The business date")


class ClockOut(Schema):
    """Today in POLICY_TIMEZONE, or the test clock's date."""

    today = fields.Date(required=True)
    test_clock = fields.Boolean(required=True)


@blp.route("/clock")
@requires(*READ_CREDIT)
@blp.response(200, ClockOut)
def clock() -> Any:
    """The business date and whether the test clock is on (any role)."""
    app = services()
    return {"today": app.today(), "test_clock": app.clock.test_clock}
