"""The list's filters are read without a form object (intake.workspace.list_filters):
the same values and the same messages as the WTForms form they replace, for odd query
strings too; a bad value is reported on the page and ignored, nothing else is lost."""

from __future__ import annotations

import itertools
from urllib.parse import parse_qsl

import pytest
from werkzeug.datastructures import MultiDict

from intake.workspace import list_filters, listing
from intake.workspace.forms import ListFilterForm
from tests.factories import make_submission

VALUES = {
    "q": ["", "  ", "Ann Lee", "x" * 100, "x" * 101, " " + "y" * 100 + " ", "\x00ab"],
    "verdict": ["", "possible fit", "Possible fit", "<script>", "not a fit"],
    "status": ["", "new", "draft", "nope"],
    "date_from": ["", " ", "2026-11-01", "2026-1-5", "2026-13-45", "x", "01/02/2026"],
    "date_to": ["", "2026-10-01", "2026-12-31", "tomorrow"],
    "sort": ["", "overall", "drop table", " name "],
    "direction": ["", "asc", "desc", "sideways"],
    "attention": ["", "y", "false", "0"],
    "page": [
        "",
        " ",
        "1",
        "3",
        " 7 ",
        "0",
        "-3",
        "abc",
        "100000",
        "100001",
        "1e3",
        "9" * 20,
        "+5",
        "1_000",
    ],
}


def _queries():
    """Each value of each filter alone, pairs of dates, and repeated keys."""
    for name, values in VALUES.items():
        for value in values:
            yield [(name, value)]
    for a, b in itertools.product(VALUES["date_from"], VALUES["date_to"]):
        yield [("date_from", a), ("date_to", b)]
    yield [("page", ""), ("page", "4")]
    yield [("date_from", "2026-11-01"), ("date_from", "2026-11-02")]
    yield [("verdict", "nope"), ("verdict", "possible fit")]
    yield [("q", "  "), ("q", "ann")]
    yield [("attention", ""), ("attention", "y")]
    yield list(parse_qsl("verdict=nonsense&sort=drop+table&date_from=x&q=%00ab"))
    yield [(name, values[2 % len(values)]) for name, values in VALUES.items()]


@pytest.mark.parametrize("pairs", list(_queries()), ids=repr)
def test_the_same_filters_and_messages_as_the_form(app, pairs):
    args = MultiDict(pairs)
    with app.test_request_context("/workspace/"):
        form = ListFilterForm(formdata=args)
        form.validate()
        bad = set(form.errors)

        def value(name, default):  # listing.filters_from before this change
            return default if name in bad else (getattr(form, name).data or default)

        expected = (
            value("q", ""),
            value("verdict", ""),
            value("status", ""),
            value("date_from", None),
            value("date_to", None),
            value("sort", "submitted"),
            value("direction", "desc"),
            value("page", 1),
            bool(value("attention", False)),
        )
        labels = {name: form[name].label.text for name in form.errors}
    filters, errors = list_filters.parse(args)
    got = (
        filters.q,
        filters.verdict,
        filters.status,
        filters.date_from,
        filters.date_to,
        filters.sort,
        filters.direction,
        filters.page,
        filters.attention,
    )
    assert got == expected
    assert errors == form.errors
    assert {name: list_filters.LABELS[name] for name in errors} == labels


def test_bad_filters_are_reported_and_the_good_ones_still_apply(signed_in, db):
    make_submission(persona="strategic_collaborator")
    make_submission(persona="pair_of_hands")
    db.session.commit()
    response = signed_in.get(
        "/workspace/?verdict=strong+fit&date_from=2026-13-45&page=abc&q=" + "x" * 101
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert (
        "Search: Field cannot be longer than 100 characters. "
        "Submitted from: Not a valid date value. "
        "Page: Not a valid integer value. Number must be between 1 and 100000. "
        "Those filters were ignored."
    ) in html
    # the valid filter is kept: selected in the form, applied to the rows
    assert '<option selected value="strong fit">Strong fit</option>' in html
    assert "Not a fit" not in html.partition("<tbody>")[2]


def test_a_get_of_the_list_builds_no_form(signed_in, monkeypatch):
    def refuse(*_args, **_kw):
        raise AssertionError("a form was built")

    monkeypatch.setattr(ListFilterForm, "__init__", refuse)
    assert signed_in.get("/workspace/?verdict=nope&sort=overall").status_code == 200
    assert listing.filters_from(MultiDict({"status": "new"})).status == "new"
