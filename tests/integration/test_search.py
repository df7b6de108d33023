"""The list's search: through SQLite's FTS5 trigram index or PostgreSQL's trigram index,
exactly what `search_text LIKE '%term%'` finds, kept in step with every write, and at
most SEARCH_LIMIT matches on the list (every match in the CSV export)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import urllib.parse

import pytest
import sqlalchemy as sa

from intake import registry, submissions
from intake.models import LISTED_SQL, SEARCH_INDEX, Submission
from intake.workspace import queries
from tests.factories import listed_row, make_submission

PEOPLE = [
    # (name, business, e-mail)
    ("Hannah Lindqvist", "Lindqvist Advisory", "hannah@lindqvist-advisory.com"),
    ("Zoë Ångström", "Ångström & Sons", "zoe@angstrom.se"),
    ("José Müller", "Müller 50% Off_Shop", "jose_m@example.com"),
    ('Dana "DJ" O\'Brien', "Brien*Star (NEAR) AND Co", "dana.obrien@example.ie"),
    ("Mary-Jane Smith", "Back\\Slash Ltd", "mj@back-slash.co"),
    ("Karl ſtraße", "Straße GmbH", "karl@strasse.de"),
    ("Near Andover", "OR NOT Ltd", "near@andover.uk"),
    ("İpek Yılmaz", "Yılmaz İnşaat", "ipek@yilmaz.tr"),
]

TERMS = [
    # substrings in the middle of a name, a business, an e-mail; capitals
    "lindqvist",
    "ndqvi",
    "ANNAH",
    "dvisor",
    "@lindqvist-adv",
    "a l",
    # accents and letters whose capitals or case folding are special
    "zoë",
    "ÅNGS",
    "ångström &",
    "MÜLLER 50%",
    "ſtr",
    "str",
    "straße",
    "strasse",
    "İPEK",
    "yılmaz",
    # 1 and 2 characters
    "ë",
    "a",
    "zo",
    "ı",
    # LIKE's wildcards and escape, taken literally
    "%",
    "50%",
    "_",
    "e_m",
    "e%m",
    "\\",
    "back\\slash",
    "\\s",
    # FTS5's syntax, taken literally
    '"',
    '"dj"',
    '"dj',
    "o'b",
    "'",
    "*",
    "brien*star",
    "(near)",
    "near",
    "NEAR",
    "near(dana brien)",
    "and",
    "AND co",
    "or not",
    "-",
    "mary-jane",
    "dana -obrien",
    "lindqvist OR müller",
    "e:m",
    "^",
    "{",
    "+",
    # drafts never match; nothing matches nothing
    "hannah draft",
    "nobody",
    "x" * 100,
]


def _old_like_ids(db, term: str) -> set[int]:
    """What the search found before the index: LIKE over every listed row."""
    term = term.strip().lower()
    pattern = (
        "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    )
    return set(
        db.session.scalars(
            sa.select(Submission.id).where(
                sa.text(LISTED_SQL),
                Submission.search_text.like(pattern, escape="\\"),
            )
        )
    )


def _ids_on_the_list(term: str) -> set[int]:
    page = queries.submissions_for_dashboard(queries.ListFilters(q=term), per_page=100)
    return {row.id for row in page.rows}


def _make(name: str, business: str, email: str, **kw) -> Submission:
    return make_submission(full_name=name, business_name=business, email=email, **kw)


@pytest.fixture
def people(db):
    made = [_make(*person) for person in PEOPLE]
    made.append(_make("Hannah Draft", "Draft Co", "draft@example.com", status="draft"))
    db.session.commit()
    return made


@pytest.mark.parametrize("term", TERMS)
def test_search_finds_exactly_what_like_finds(db, people, term):
    expected = {
        s.id
        for s in people
        if s.status != "draft" and term.strip().lower() in s.search_text
    }
    assert _old_like_ids(db, term) == expected
    unbounded = queries._filtered(queries.ListFilters(q=term))
    assert set(db.session.scalars(unbounded.with_only_columns(Submission.id))) == (
        expected
    )
    assert _ids_on_the_list(term) == expected


def test_terms_that_must_match_do(people):
    """The table above means something: these terms find who they should."""
    by_name = {s.name: s.id for s in people}
    assert _ids_on_the_list("ÅNGS") == {by_name["Zoë Ångström"]}
    assert _ids_on_the_list('"dj"') == {by_name['Dana "DJ" O\'Brien']}
    assert _ids_on_the_list("50%") == {by_name["José Müller"]}
    assert _ids_on_the_list("back\\slash") == {by_name["Mary-Jane Smith"]}
    # FTS5 folds "ſ" to "s"; the search text keeps it, and so does the search
    assert _ids_on_the_list("ſtr") == {by_name["Karl ſtraße"]}
    assert _ids_on_the_list("(near)") == {by_name['Dana "DJ" O\'Brien']}
    assert len(_ids_on_the_list("near")) == 2


@pytest.mark.parametrize(
    "term", ['"dj"', "o'b", "(near)", "near(dana brien)", "*", "\\", "50%", "-", "ë"]
)
def test_odd_terms_on_the_page(db, signed_in, people, term):
    response = signed_in.get("/workspace/?q=" + urllib.parse.quote(term))
    assert response.status_code == 200
    count = len(_old_like_ids(db, term))
    text = response.get_data(as_text=True)
    assert f">{count} prospect{'' if count == 1 else 's'}<" in text


def _index_ids(db, phrase: str) -> set[int]:
    """The rows SQLite's FTS index itself holds for a phrase (no LIKE after it)."""
    return set(
        db.session.scalars(
            sa.text(f"SELECT rowid FROM {SEARCH_INDEX} WHERE {SEARCH_INDEX} MATCH :p"),
            {"p": f'"{phrase}"'},
        )
    )


def _assert_index_whole(db):
    if db.engine.dialect.name == "sqlite":
        # FTS5 compares the index with the table's rows, and fails loudly if they differ
        db.session.execute(
            sa.text(
                f"INSERT INTO {SEARCH_INDEX}({SEARCH_INDEX}, rank) "
                "VALUES ('integrity-check', 1)"
            )
        )


def test_the_index_follows_insert_edit_and_delete(db, people):
    sqlite = db.engine.dialect.name == "sqlite"
    new = _make("Priya Raman", "Raman Studio", "priya@raman.studio")
    db.session.commit()
    assert _ids_on_the_list("raman stu") == {new.id}
    if sqlite:
        assert _index_ids(db, "priya raman") == {new.id}

    # the prospect corrects their name (the wizard writes the contact columns again)
    new.answers = {**new.answers, "full_name": "Priya Ramanathan-Iyer"}
    submissions.update_contact(new, registry.active())
    db.session.commit()
    assert _ids_on_the_list("ramanathan-iyer") == {new.id}
    assert _ids_on_the_list("priya raman |") == set()
    if sqlite:
        assert _index_ids(db, "priya raman |") == set()  # the old text left the index
        assert _index_ids(db, "ramanathan-iyer") == {new.id}

    submissions.delete(new, deleted_by="test")
    db.session.commit()
    assert _ids_on_the_list("ramanathan") == set()
    if sqlite:
        assert _index_ids(db, "ramanathan") == set()
    _assert_index_whole(db)


def test_a_bulk_delete_leaves_the_index_whole(db, people):
    db.session.execute(sa.delete(Submission).where(Submission.status == "draft"))
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        assert _index_ids(db, "hannah draft") == set()
    _assert_index_whole(db)


def test_search_after_backup_and_restore(app, db, runner, people, tmp_path):
    zoe = people[1].id
    path = tmp_path / "intake.backup"
    assert runner.invoke(args=["backup", "--output", str(path)]).exit_code == 0
    db.session.remove()
    db.drop_all()
    db.engine.dispose()
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    assert _ids_on_the_list("ÅNGS") == {zoe}
    # and the restored index still follows the table
    new = _make("Olu Adeyemi", "Adeyemi Works", "olu@adeyemi.ng")
    db.session.commit()
    assert _ids_on_the_list("adeyemi w") == {new.id}
    _assert_index_whole(db)


# ---- the bound ------------------------------------------------------------------


def _bulk(db, n: int, **overrides) -> None:
    q = registry.active()
    registry.ensure_stored(q)
    now = dt.datetime.now(dt.UTC)
    db.session.execute(
        sa.insert(Submission), [listed_row(i, q, now, **overrides) for i in range(n)]
    )
    db.session.commit()


def _export_names(signed_in, query: str) -> list[str]:
    body = signed_in.get("/workspace/export.csv?" + query).get_data(as_text=True)
    return [row[0] for row in list(csv.reader(io.StringIO(body)))[1:]]


def test_a_search_lists_at_most_the_limit_and_says_so(db, signed_in):
    _bulk(db, queries.SEARCH_LIMIT + 1)
    response = signed_in.get("/workspace/?q=prospect")
    text = response.get_data(as_text=True)
    assert (
        "Showing the 1,000 most recent of more than 1,000 matches: narrow the search"
        in text
    )
    assert "page 1 of 40" in text
    page = queries.submissions_for_dashboard(queries.ListFilters(q="prospect"))
    assert (page.total, page.capped, page.pages) == (1000, True, 40)
    # the most recent: the newest rows, whatever the list's order
    newest = set(
        db.session.scalars(
            sa.select(Submission.id).order_by(Submission.id.desc()).limit(1000)
        )
    )
    last = queries.submissions_for_dashboard(
        queries.ListFilters(q="prospect", page=40, sort="name"), per_page=25
    )
    assert {r.id for r in last.rows} <= newest
    # the CSV export of the same search holds every match
    assert len(_export_names(signed_in, "q=prospect")) == queries.SEARCH_LIMIT + 1
    # without a search, every one is counted, written as the capped count is
    assert "1,001 prospects · page 1 of 41" in signed_in.get("/workspace/").text


def test_the_bound_counts_with_the_other_filters(db, monkeypatch):
    monkeypatch.setattr(queries, "SEARCH_LIMIT", 5)
    _bulk(db, 12, verdict="strong fit")
    db.session.execute(
        sa.update(Submission).where(Submission.id % 3 == 0).values(verdict="not a fit")
    )
    db.session.commit()
    wanted = set(
        db.session.scalars(
            sa.select(Submission.id).where(Submission.verdict == "not a fit")
        )
    )
    assert len(wanted) == 4
    page = queries.submissions_for_dashboard(
        queries.ListFilters(q="prospect", verdict="not a fit")
    )
    assert (page.total, page.capped) == (4, False)
    assert {r.id for r in page.rows} == wanted
    capped = queries.submissions_for_dashboard(queries.ListFilters(q="prospect"))
    assert (capped.total, capped.capped) == (5, True)
    assert {r.id for r in capped.rows} == set(range(8, 13))  # the 5 newest ids


def test_a_search_within_the_limit_says_how_many(db, signed_in, people):
    text = signed_in.get("/workspace/?q=lindqvist").get_data(as_text=True)
    assert ">1 prospect<" in text
    assert "most recent" not in text


# ---- the plans ------------------------------------------------------------------


def _plan(db, stmt) -> str:
    compiled = stmt.compile(dialect=db.engine.dialect)
    if db.engine.dialect.name == "postgresql":
        rows = db.session.connection().exec_driver_sql(
            "EXPLAIN " + str(compiled), compiled.params
        )
    else:
        params = tuple(compiled.params[k] for k in compiled.positiontup)
        rows = db.session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + str(compiled), params
        )
    return " | ".join(str(r[-1]) for r in rows)


def _search_statements(term: str) -> dict[str, sa.Select]:
    """The count, the page of a search within the limit, and that of one past it."""
    filters = queries.ListFilters(q=term)
    limit = queries.SEARCH_LIMIT
    count = sa.select(sa.func.count()).select_from(
        queries._filtered(filters, search_limit=limit + 1, newest=False)
        .with_only_columns(Submission.id)
        .subquery()
    )
    order = (Submission.submitted_at.desc(), Submission.id.desc())
    return {
        "count": count,
        **{
            name: queries._filtered(filters, search_limit=bound)
            .with_only_columns(*queries.LIST_COLUMNS)
            .order_by(*order)
            .limit(25)
            for name, bound in (("page", None), ("capped page", limit))
        },
    }


def test_every_search_query_reads_a_search_index(db):
    _bulk(db, 5000)
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    sqlite = db.engine.dialect.name == "sqlite"
    for name, stmt in _search_statements("prospect 4242").items():
        plan = _plan(db, stmt)
        if sqlite:
            # FTS5's plan for a MATCH: "VIRTUAL TABLE INDEX n:M..."
            assert re.search(rf"SCAN {SEARCH_INDEX} VIRTUAL TABLE INDEX \d+:M", plan), (
                name,
                plan,
            )
            assert "SCAN submission " not in plan + " ", (name, plan)
        else:
            assert "Bitmap Index Scan on ix_submission_search" in plan, (name, plan)
    for name, stmt in _search_statements("42").items():
        plan = _plan(db, stmt)
        if sqlite:  # too short for trigrams: the small covering index, not the table
            assert "SCAN submission USING INDEX ix_submission_search" in plan, plan
        else:  # nor would the trigram index help: it is kept out
            assert "ix_submission_search" not in plan, (name, plan)


# ---- PostgreSQL: a term of several words looks up its rarest word ----------------

SEVERAL_WORDS = [
    "müller 50%",
    "lindqvist advisory",
    "hannah lindqvist",
    "a l",
    "and co",
]


@pytest.mark.parametrize("term", SEVERAL_WORDS)
def test_whichever_word_is_looked_up_the_matches_are_the_same(
    db, people, monkeypatch, term
):
    """On PostgreSQL the index is read for one word of the term (_rarest_word) and
    the whole term is checked on the rows it finds: any word gives the same rows."""
    expected = _old_like_ids(db, term)
    for word in {w for w in term.split() if len(w) >= queries.TRIGRAM}:
        queries.rarest_words.clear()
        monkeypatch.setattr(queries, "_rarest_in_sample", lambda _words, w=word: w)
        assert _ids_on_the_list(term) == expected, word
        assert queries.submissions_for_dashboard(
            queries.ListFilters(q=term)
        ).total == len(expected)


def test_the_rarest_word_is_the_one_fewest_recent_rows_hold(db):
    q = registry.active()
    registry.ensure_stored(q)
    now = dt.datetime.now(dt.UTC)
    db.session.execute(
        sa.insert(Submission), [listed_row(i, q, now) for i in range(300)]
    )
    db.session.commit()
    queries.rarest_words.clear()
    # every row holds "prospect" and "example"; "4242" none, "p12@" one
    assert queries._rarest_word("prospect 4242") == "4242"
    assert queries._rarest_word("p12@example.com prospect") == "p12@example.com"
    assert (
        queries._rarest_word("example prospect") == "prospect"
    )  # the longer of equals
    assert queries._rarest_word("ab prospect") == "prospect"  # the only word indexable
    assert queries._rarest_word("prospect") == ""  # one word: the whole term
    assert queries._rarest_word("a b") == ""
