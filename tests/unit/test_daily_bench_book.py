"""The benchmark's synthetic book is seeded and shaped like a real one."""

from __future__ import annotations

import importlib.util
import random
from collections import Counter
from datetime import date
from pathlib import Path
from types import ModuleType

AS_OF = date(2026, 11, 23)


def bench() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "bench" / "daily_bench.py"
    spec = importlib.util.spec_from_file_location("daily_bench", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def book(seed: int) -> list[tuple[str, dict[str, object]]]:
    return list(bench().generate(random.Random(seed), 1000, 10_000, AS_OF))


def test_the_book_is_the_same_for_the_same_seed() -> None:
    assert book(3) == book(3)
    assert book(3) != book(4)


def test_most_invoices_are_paid_a_minority_is_overdue_and_few_are_very_old() -> None:
    invoices = [row for kind, row in book(7) if kind == "invoice"]
    assert len(invoices) == 10_000
    status = Counter(str(row["status"]) for row in invoices)
    overdue = [(AS_OF - row["due_date"]).days for row in invoices  # type: ignore[operator]
               if row["status"] == "open" and row["due_date"] < AS_OF]  # type: ignore[operator]
    assert status["paid"] > 0.85 * len(invoices)
    assert len(overdue) < 0.05 * len(invoices)
    assert sum(1 for days in overdue if days > 180) < 0.005 * len(invoices)
