"""Prometheus metrics: credit checks by outcome and their latency, across worker processes."""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

CREDIT_CHECKS = Counter(
    "policy_credit_checks_total", "Credit checks decided, by outcome", ["outcome"]
)
CREDIT_CHECK_SECONDS = Histogram(
    "policy_credit_check_seconds", "Time to decide a credit check (service layer)",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
ENGINE_SECONDS = Histogram(
    "policy_engine_evaluation_seconds", "Time in the rule engine per evaluation",
    buckets=(0.00002, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01),
)


def render(multiprocess_dir: str | None = None) -> bytes:
    """The exposition text; aggregates all gunicorn workers when given their shared folder.

    ``multiprocess_dir`` is Settings.prometheus_multiproc_dir (set by `serve`).
    """
    if multiprocess_dir:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=multiprocess_dir)
        return generate_latest(registry)
    return generate_latest()
