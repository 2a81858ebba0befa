"""``column IN (values)`` for batch reads of many ids: one array parameter on PostgreSQL.

SQLAlchemy sends an IN list as one bound parameter per value; for the day's batches
(500 customers, thousands of invoices) rendering, converting and sending those
placeholders cost more than the query (3,000 invoice ids: about 100 ms against 13 ms
as ``= ANY(array)``). PostgreSQL gets the array; other databases the usual IN list.
Both mean the same: true for a value in the collection, false for an empty one.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.elements import ColumnElement


def among(bind: Session | Connection, column: ColumnElement[Any] | QueryableAttribute[Any],
          values: Collection[Any]) -> ColumnElement[bool]:
    """``column IN values`` as the database in use is fastest at it."""
    dialect = bind.dialect if isinstance(bind, Connection) else bind.get_bind().dialect
    expression = column.expression
    if dialect.name == "postgresql":
        return expression == any_(bindparam(None, list(values), type_=ARRAY(expression.type)))
    return expression.in_(values)
