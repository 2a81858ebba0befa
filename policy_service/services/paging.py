"""Paging for the read models: one page of a query's rows and how many pages there are."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select


def paged(session: Session, query: Select[*tuple[Any, ...]], page: int, size: int
          ) -> tuple[list[Any], int]:
    """One page (1-based) of ``query``'s rows and the number of pages (at least 1)."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = list(session.execute(query.offset((page - 1) * size).limit(size)))
    return rows, page_count(int(total or 0), size)


def page_count(total: int, size: int) -> int:
    """How many pages of ``size`` rows ``total`` rows fill (at least 1, for an empty list)."""
    return max(-(-total // size), 1)
