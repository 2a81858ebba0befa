"""Operations: liveness, readiness (database and every rule set compiled), metrics."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from policy_service import metrics
from policy_service.api.context import services
from policy_service.services.rules.queries import readiness

blp = Blueprint("ops", __name__)


@blp.get("/healthz")
def healthz() -> Any:
    """The process is up."""
    return jsonify({"status": "ok"})


@blp.get("/readyz")
def readyz() -> Any:
    """Ready when the database answers and every published rule set is compiled and loaded."""
    app = services()
    loaded, problems = readiness(app.uow(), app.rulesets)
    body = {"status": "ok" if not problems else "unavailable", "rulesets": loaded,
            "problems": problems}
    return jsonify(body), 200 if not problems else 503


@blp.get("/metrics")
def prometheus() -> Response:
    """Prometheus text exposition."""
    body = metrics.render(services().settings.prometheus_multiproc_dir)
    return Response(body, mimetype="text/plain; version=0.0.4")
