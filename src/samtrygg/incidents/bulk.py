"""Fast columnar inserts of incidents and their area links (written by ``linking``).

Django's ``bulk_create`` builds one model object per row and, on SQLite, sends about 50 rows per
statement; for files of hundreds of thousands of rows that dominates the import. Here the rows go
from the validated polars frame straight to the database: PostgreSQL's COPY through psycopg 3,
and ``executemany`` elsewhere. Both run inside the caller's transaction, so an import stays all or
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import polars as pl
from django.db import connection

from samtrygg.incidents.models import Incident

CHUNK = 20_000


def _columns(model: Any, names: Sequence[str]) -> list[str]:
    return [model._meta.get_field(n).column for n in names]


def insert_rows(model: Any, names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert plain tuples into ``model``'s table (COPY on PostgreSQL)."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _columns(model, names))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg 3 cursor behind Django's wrapper
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(names))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def timestamp_format() -> str:
    """How a UTC timestamp is written for this database (what Django's own adapters write)."""
    # SQLite keeps naive UTC text; PostgreSQL takes an explicit offset into timestamptz.
    return "%Y-%m-%d %H:%M:%S" if connection.vendor == "sqlite" else "%Y-%m-%d %H:%M:%S+00:00"


def insert_frame(model: Any, frame: pl.DataFrame) -> None:
    """Insert a polars frame whose column names are ``model``'s field attnames.

    On PostgreSQL the frame is written as CSV by polars and sent with COPY, so no Python object
    is made per row. Strings are quoted, so an empty string stays empty and a null becomes NULL.
    """
    if frame.height == 0:
        return
    if connection.vendor != "postgresql":
        insert_rows(model, frame.columns, frame.iter_rows())
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _columns(model, frame.columns))
    payload = frame.write_csv(include_header=False, quote_style="non_numeric").encode()
    sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        copy.write(payload)


def insert_incidents(frame: pl.DataFrame) -> None:
    """Insert incidents from a frame of field attnames; timestamps as :func:`timestamp_format`."""
    now = datetime.now(UTC).strftime(timestamp_format())
    insert_frame(Incident, frame.with_columns(pl.lit(now).alias("created_at")))
