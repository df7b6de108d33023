"""A JSON object column changed in SQL, on SQLite and PostgreSQL alike.

`json_merged(dialect, column, patch, drop)` (and `JsonMerge`, the same with the values
bound at execution) is one name for one SQL expression per database: the stored object without the `drop` keys, then every key of `patch` set to
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
from collections.abc import Iterable, Mapping, Sequence
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


def _path(key: str) -> str:
    if '"' in key:
        raise ValueError(f"a JSON key with a double quote: {key!r}")
    return f'$."{key}"'


def _text(name: str) -> sa.BindParameter[str]:
    return sa.bindparam(name, type_=sa.Text)


def _sqlite(column, keys: Sequence[str], drop: Sequence[str], prefix: str):
    stored = sa.case((sa.func.json_type(column) == "object", column), else_="{}")
    removed = sa.func.json_remove(
        stored, *(sa.literal(_path(k), sa.Text) for k in drop)
    )
    pairs: list[Any] = []
    for i, key in enumerate(keys):
        pairs += [sa.literal(_path(key), sa.Text), sa.func.json(_text(f"{prefix}_{i}"))]
    return sa.func.json_set(removed, *pairs, type_=sa.JSON)


def _sqlite_params(keys: Sequence[str], patch: Mapping[str, Any], prefix: str):
    _dumps(dict(patch))  # the same refusals as on PostgreSQL
    return {f"{prefix}_{i}": _dumps(patch[key]) for i, key in enumerate(keys)}


def _postgresql(column, keys: Sequence[str], drop: Sequence[str], prefix: str):
    def as_json(text: sa.ColumnElement[str]):
        return sa.cast(text, sa.JSON)

    empty = as_json(sa.literal("{}", sa.Text))
    stored = sa.case((sa.func.json_typeof(column) == "object", column), else_=empty)
    old = sa.func.json_each(stored).table_valued("key", "value").alias("old")
    each_new = sa.func.json_each(as_json(_text(prefix)))
    new = each_new.table_valued("key", "value").alias("new")
    dropped = sa.literal(list(drop), postgresql.ARRAY(sa.Text))
    kept = sa.select(old.c.key, old.c.value).where(old.c.key != sa.all_(dropped))
    both = sa.union_all(kept, sa.select(new.c.key, new.c.value)).subquery("merged")
    merged = sa.select(sa.func.json_object_agg(both.c.key, both.c.value))
    return sa.func.coalesce(merged.scalar_subquery(), empty, type_=sa.JSON)


def _postgresql_params(keys: Sequence[str], patch: Mapping[str, Any], prefix: str):
    return {prefix: _dumps({key: patch[key] for key in keys})}


_BY_DIALECT = {
    "sqlite": (_sqlite, _sqlite_params),
    "postgresql": (_postgresql, _postgresql_params),
}


class JsonMerge:
    """The merge as a SQL expression whose values are bound at each execution, so that
    a statement holding it is built (and compiled) once per set of keys:
    `merge.expression` goes into the statement, `merge.params(patch)` into execute."""

    def __init__(
        self,
        dialect: str,
        column: Any,
        keys: Iterable[str],
        drop: Iterable[str] = (),
        *,
        prefix: str = "json_merge",
    ):
        try:
            build, self._params = _BY_DIALECT[dialect]
        except KeyError:
            raise NotImplementedError(f"no JSON merge for {dialect}") from None
        self.keys, self.prefix = tuple(keys), prefix
        self.expression: sa.ColumnElement[Any] = build(
            column, self.keys, sorted(set(drop)), prefix
        )

    def params(self, patch: Mapping[str, Any]) -> dict[str, str]:
        """The bound values for `patch`, whose keys must be the merge's keys."""
        if set(patch) != set(self.keys) or len(patch) != len(self.keys):
            raise ValueError(f"the patch's keys {sorted(patch)} are not {self.keys}")
        return self._params(self.keys, patch, self.prefix)


def json_merged(
    dialect: str,
    column: Any,
    patch: Mapping[str, Any],
    drop: Iterable[str] = (),
) -> sa.ColumnElement[Any]:
    """`column` (a JSON object) without the keys in `drop`, with `patch` set over it:
    the values bound in the expression (JsonMerge binds them at execution)."""
    merge = JsonMerge(dialect, column, patch, drop)
    return merge.expression.params(merge.params(patch))
