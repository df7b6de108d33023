"""intake.sqljson.json_merged: one name, one SQL expression per database, the same
result on each (run on SQLite, and on PostgreSQL with INTAKE_TEST_DATABASE_URL).

Every case is checked against the merge in Python: the stored object without the
dropped keys, the patch's keys set over it."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.sqljson import json_merged

META = sa.MetaData()
DOCS = sa.Table(
    "sqljson_test_doc",
    META,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("doc", sa.JSON),
)


@pytest.fixture
def conn(db):
    META.create_all(db.engine)
    with db.engine.begin() as connection:
        yield connection
        connection.execute(DOCS.delete())
    META.drop_all(db.engine)


def merged_in_sql(conn, stored, patch, drop=()) -> object:
    """Store `stored`, merge with one UPDATE ... RETURNING, and return what came back
    (checked against a fresh SELECT of the row)."""
    conn.execute(DOCS.delete())
    conn.execute(DOCS.insert().values(id=1, doc=stored))
    dialect = conn.dialect.name
    returned = conn.execute(
        DOCS.update()
        .where(DOCS.c.id == 1)
        .values(doc=json_merged(dialect, DOCS.c.doc, patch, drop))
        .returning(DOCS.c.doc)
    ).scalar_one()
    assert conn.execute(sa.select(DOCS.c.doc)).scalar_one() == returned
    return returned


def merged_in_python(stored, patch, drop=()):
    kept = {k: v for k, v in (stored or {}).items() if k not in set(drop)}
    return {**kept, **patch}


CASES = {
    "a key added, others kept": ({"a": "x", "b": 2}, {"c": "new"}, ()),
    "a key overwritten": ({"a": "old", "b": 2}, {"a": "new"}, ("a",)),
    "overwritten without being dropped first": ({"a": "old"}, {"a": ["n"]}, ()),
    "a key cleared": ({"a": "x", "b": ["y"], "c": 3}, {}, ("b",)),
    "cleared and set in one": ({"a": 1, "b": 2, "c": 3}, {"b": 20}, ("a", "b")),
    "a dropped key that was never there": ({"a": 1}, {}, ("zz",)),
    "unicode": (
        {"name": "Zoë Ångström"},
        {"note": "日本語 \u00e9\u0301 🙂 \u200b", "name": "Łukasz Żółć"},
        ("name",),
    ),
    "quotes and backslashes": (
        {"q": 'say "hi"'},
        {"q": "it's \"quoted\" \\ back\\slash \\u0041 ' ; --", "r": "'); DROP"},
        ("q",),
    ),
    "nested lists": (
        {"l": ["a", "b"]},
        {"l": [["x", "y"], [1, 2.5, [True, None]]], "m": []},
        ("l",),
    ),
    "an object is replaced, not merged": (
        {"o": {"x": 1, "y": {"z": 2}}},
        {"o": {"y": None, "w": [1]}},
        ("o",),
    ),
    "null is stored as null, not a deletion": ({"a": 1}, {"a": None, "n": None}, ()),
    "numbers keep their value": (
        {},
        {"f": 0.1 + 0.2, "big": 2**53 + 1, "neg": -0.0, "e": 1e300, "t": True},
        (),
    ),
    "nothing to do": ({"a": [1, 2]}, {}, ()),
    "an empty column": (None, {"a": "x"}, ("b",)),
    "an empty object": ({}, {"a": "x"}, ()),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_the_sql_merge_is_the_python_merge(conn, case):
    stored, patch, drop = CASES[case]
    got = merged_in_sql(conn, stored, patch, drop)
    assert got == merged_in_python(stored, patch, drop)
    # types, not only equality (1 == True, 0.0 == -0.0 in Python)
    assert json.dumps(got, sort_keys=True) == json.dumps(
        merged_in_python(stored, patch, drop), sort_keys=True
    )


def test_a_key_the_sqlite_path_cannot_name_is_refused(conn):
    if conn.dialect.name != "sqlite":
        merged = merged_in_sql(conn, {'a"b': 1}, {'c"d': 2}, ('a"b',))
        assert merged == {'c"d': 2}
        return
    with pytest.raises(ValueError, match="double quote"):
        json_merged("sqlite", DOCS.c.doc, {'a"b': 1})


@pytest.mark.parametrize(
    "patch", [{"a": "before\0after"}, {"a": ["x", {"\0": 1}]}, {"a": float("nan")}]
)
def test_nul_and_nan_are_refused_alike_on_every_database(conn, patch):
    """PostgreSQL's JSON functions refuse NUL, and NaN is not JSON: a ValueError before
    any SQL, on SQLite too (the app strips NUL from answers: intake.text)."""
    with pytest.raises(ValueError):
        json_merged(conn.dialect.name, DOCS.c.doc, patch)


def test_an_unknown_database_is_an_error_not_a_wrong_merge():
    with pytest.raises(NotImplementedError):
        json_merged("mysql", DOCS.c.doc, {"a": 1})


KEYS = st.sampled_from(["a", "b", "c", "d", "e_1", "f2"])
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False, width=64)
    # lone surrogates cannot be encoded (a browser's form cannot send one); NUL is
    # refused (below)
    | st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"))
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3)
    ),
    max_leaves=8,
)
OBJECTS = st.dictionaries(KEYS, VALUES, max_size=5)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(stored=OBJECTS, patch=OBJECTS, drop=st.lists(KEYS, max_size=4))
def test_any_json_merges_as_in_python(conn, stored, patch, drop):
    assert merged_in_sql(conn, stored, patch, drop) == merged_in_python(
        stored, patch, drop
    )
