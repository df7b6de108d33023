"""intake.jsonload.loads gives what json.loads gives: the same value of the same types
(an int stays an int, however long), or json's own error."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.jsonload import loads


def same(text: str | bytes) -> None:
    try:
        expected = repr(json.loads(text))  # repr: 1 and 1.0, nan and nan told apart
    except (ValueError, RecursionError) as exc:
        with pytest.raises(type(exc)) as raised:
            loads(text)
        assert str(raised.value) == str(exc)
        return
    assert repr(loads(text)) == expected


EDGES = [
    '{"a": 1, "b": [true, false, null], "c": {"d": "é ✓ 😀"}}',
    '{"a": 1, "a": 2}',
    "123456789012345678901234567890",  # orjson alone: a float, 1.2345678901234568e+29
    "[-9223372036854775809, 18446744073709551616]",
    '{"hours": 99999999999999999999999}',
    "9223372036854775807",
    "18446744073709551615",
    '"a phone number 0035312345678901234567"',  # 19 digits in a string: json's way
    "NaN",
    "[Infinity, -Infinity]",
    "1e400",
    '"\\ud800"',
    '"\\udc00 alone"',
    '"\\ud83d\\ude00"',
    "-0.0",
    "1e-400",
    "0.30000000000000004",
    '"\\u0000"',
    "\ufeff[1]",
    "[1,]",
    "[1] x",
    "",
    '"\x01"',
    "[" * 900 + "]" * 900,  # orjson reads 1,024 levels at most
    "[" * 1100 + "]" * 1100,
]


@pytest.mark.parametrize("text", EDGES)
def test_what_json_reads_it_reads_the_same(text):
    same(text)
    same(text.encode("utf-8", "surrogatepass"))


def test_a_str_with_a_lone_surrogate_is_json_s():
    same('"\ud800"')


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text()
    | st.text("0123456789", min_size=15, max_size=25),  # digits in a string
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    max_leaves=20,
)


@settings(
    max_examples=300,
    deadline=None,  # timings on a shared machine say nothing here
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(json_values, st.booleans())
def test_every_value_json_writes_reads_back_the_same(value, ascii_only):
    same(json.dumps(value, ensure_ascii=ascii_only))
