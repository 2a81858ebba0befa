"""Credit checks ("may we ship on credit?"), holds and order cancellation."""

from __future__ import annotations

from typing import Any

from policy_service.api.auth import DECIDE, READ_CREDIT, WRITE, current_principal, requires
from policy_service.api.context import services
from policy_service.api.json_body import Blueprint
from policy_service.api.schemas import CreditCheckIn, CreditCheckOut, NoteIn, OrderCancelIn
from policy_service.services.credit import checks, holds

blp = Blueprint("credit_checks", __name__, url_prefix="/v1",
                description="Credit checks: may we ship this order on credit?")


@blp.route("/credit-checks", methods=["POST"])
@requires(*WRITE)
@blp.arguments(CreditCheckIn())
@blp.response(200, CreditCheckOut)
def create(body: dict[str, Any]) -> Any:
    """Decide an order against the published credit_approval rule set."""
    app = services()
    return checks.check_credit(app.uow(), app.rulesets, app.today(),
                               checks.CreditCheckInput(**body), current_principal().name)


@blp.route("/credit-checks/<decision_id>")
@requires(*READ_CREDIT)
@blp.response(200, CreditCheckOut)
def read(decision_id: str) -> Any:
    """A decision with its status and history."""
    return checks.get_check(services().uow(), decision_id)


@blp.route("/credit-checks/<decision_id>/release", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(NoteIn())
@blp.response(200, CreditCheckOut)
def release(body: dict[str, Any], decision_id: str) -> Any:
    """Release a hold (risk manager): approved, and the amount is reserved."""
    return holds.release(services().uow(), decision_id, body["note"], current_principal().name,
                         services().today())


@blp.route("/credit-checks/<decision_id>/reject", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(NoteIn())
@blp.response(200, CreditCheckOut)
def reject(body: dict[str, Any], decision_id: str) -> Any:
    """Reject a hold (risk manager)."""
    return holds.reject(services().uow(), decision_id, body["note"], current_principal().name,
                        services().today())


@blp.route("/orders/<order_id>/cancel", methods=["POST"])
@requires(*WRITE)
@blp.arguments(OrderCancelIn(), required=False)
@blp.response(200, CreditCheckOut)
def cancel(body: dict[str, Any] | None, order_id: str) -> Any:
    """Cancel an order: its reservation is released."""
    note = (body or {}).get("note")
    return holds.cancel_order(services().uow(), order_id, note, current_principal().name,
                              services().today())
