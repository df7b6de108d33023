"""A JSON object column changed in SQL, on SQLite and PostgreSQL alike.

`json_merged(dialect, column, patch, drop)` is one name for one SQL expression per
database: the stored object without the `drop` keys, then every key of `patch` set to
its value. Values replace whole values (a nested list or object is not merged into the
stored one) and a None is stored as JSON null, not taken as "delete", unlike SQLite's
`json_patch` (RFC 7396) would. A stored value that is not an object (NULL, or `null`
of an empty column) counts as `{}`.

- SQLite (JSON1, built in since 3.38): `json_set(json_remove(stored, path...), path,
  json(value)...)`; each path is `$."key"`, so a key may not hold a double quote
  (question ids are `[a-z][a-z0-9_]*`: `questionnaire.loader`).
- PostgreSQL: `json_object_agg` over `json_each(stored)` without the dropped keys and
  `json_each(patch)`: each value's text is kept as it was (`jsonb` would turn 1e300
  into 1000...0, an int when read back, refuse `\\u0000`, and reorder the keys).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\0" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def _dumps(value: Any) -> str:
    """JSON text; NaN and Infinity (not JSON) and NUL (PostgreSQL's JSON functions
    refuse it; the app strips it from every answer: intake.text) raise ValueError on
    every database alike."""
    if _has_nul(value):
        raise ValueError("a NUL character in a JSON value")
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _sqlite(column, patch: Mapping[str, Any], drop: Iterable[str]):
    def path(key: str) -> str:
        if '"' in key:
            raise ValueError(f"a JSON key with a double quote: {key!r}")
        return f'$."{key}"'

    stored = sa.case((sa.func.json_type(column) == "object", column), else_="{}")
    removed = sa.func.json_remove(
        stored, *(sa.literal(path(k), sa.Text) for k in sorted(set(drop)))
    )
    _dumps(dict(patch))  # the same refusals as on PostgreSQL
    pairs: list[Any] = []
    for key, value in patch.items():
        pairs += [
            sa.literal(path(key), sa.Text),
            sa.func.json(sa.literal(_dumps(value), sa.Text)),
        ]
    return sa.func.json_set(removed, *pairs, type_=sa.JSON)


def _postgresql(column, patch: Mapping[str, Any], drop: Iterable[str]):
    def as_json(text: str):
        return sa.cast(sa.literal(text, sa.Text), sa.JSON)

    stored = sa.case(
        (sa.func.json_typeof(column) == "object", column), else_=as_json("{}")
    )
    old = sa.func.json_each(stored).table_valued("key", "value").alias("old")
    each_new = sa.func.json_each(as_json(_dumps(dict(patch))))
    new = each_new.table_valued("key", "value").alias("new")
    keys = sa.literal(sorted(set(drop)), postgresql.ARRAY(sa.Text))
    kept = sa.select(old.c.key, old.c.value).where(old.c.key != sa.all_(keys))
    both = sa.union_all(kept, sa.select(new.c.key, new.c.value)).subquery("merged")
    merged = sa.select(sa.func.json_object_agg(both.c.key, both.c.value))
    return sa.func.coalesce(merged.scalar_subquery(), as_json("{}"), type_=sa.JSON)


_BY_DIALECT = {"sqlite": _sqlite, "postgresql": _postgresql}


def json_merged(
    dialect: str,
    column: Any,
    patch: Mapping[str, Any],
    drop: Iterable[str] = (),
) -> sa.ColumnElement[Any]:
    """`column` (a JSON object) without the keys in `drop`, with `patch` set over it."""
    try:
        build = _BY_DIALECT[dialect]
    except KeyError:
        raise NotImplementedError(f"no JSON merge for {dialect}") from None
    return build(column, patch, drop)
