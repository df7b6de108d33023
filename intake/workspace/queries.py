"""Reusable queries of the workspace. Lists read only small indexed columns; the
answers and explanations (deferred JSON) are never loaded for a list."""

from __future__ import annotations

import collections
import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..cache import Cache
from ..extensions import db
from ..models import (
    DRAFT,
    LISTED_SQL,
    PIPELINE,
    SEARCH_INDEX,
    Consultant,
    Note,
    StatusChange,
    Submission,
    utcnow,
)
from ..offers.attention import needs_attention
from ..practice_store import current_practice
from ..questionnaire.scoring import NOT_A_FIT, VERDICTS

PER_PAGE = 25
SORTS = {
    "submitted": Submission.submitted_at,
    "name": Submission.name,
    "business": Submission.business,
    "overall": Submission.overall,
    "fit": Submission.fit,
    "chemistry": Submission.chemistry,
    "boundaries": Submission.boundaries,
    "verdict": Submission.verdict,
    "flags": Submission.flag_count,
    "package": Submission.package_name,
    "status": Submission.status,
}
WEEKS_SHOWN = 12
# the list shows at most this many matches of a search, the most recent first (by id:
# the order the prospects started): a common term must not make every match be counted
# and sorted. The CSV export still holds every match.
SEARCH_LIMIT = 1000
# SQLite's trigram index finds terms of 3 characters or more; shorter ones use LIKE
TRIGRAM = 3


@dataclass(frozen=True)
class ListFilters:
    q: str = ""
    verdict: str = ""
    status: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "submitted"
    direction: str = "desc"
    page: int = 1
    attention: bool = False  # only what needs attention (intake.offers.attention)

    def key(self) -> tuple:
        return (
            self.q,
            self.verdict,
            self.status,
            self.date_from,
            self.date_to,
            self.attention,
        )


@dataclass
class Page:
    rows: list  # Submission objects, or rows of LIST_COLUMNS for the list
    total: int
    page: int
    per_page: int
    pages: int = field(init=False)
    capped: bool = False  # a search with more matches than SEARCH_LIMIT: total is that

    def __post_init__(self):
        self.pages = max(1, math.ceil(self.total / self.per_page))


# list totals and the summary strip (a filtered count costs up to ~100 ms at 100k rows,
# bench/README.md): each host keeps them briefly; a write of a submission on this host
# clears them at its commit
counts_cache = Cache(
    "counts", ttl_setting="COUNTS_CACHE_SECONDS", cleared_by=(Submission,)
)


def _filtered(
    filters: ListFilters, *, search_limit: int | None = None, newest: bool = True
) -> sa.Select:
    """The listed submissions that pass the filters. A search keeps `search_limit`
    of its matches when given (the export gives none): the most recent ones, or any
    (cheaper, for a count) when not `newest`."""
    # the literal predicate matches the partial indexes' WHERE (a bound parameter
    # would not let the planners use them)
    query = sa.select(Submission).where(sa.text(LISTED_SQL))
    if filters.status in PIPELINE:
        query = query.where(Submission.status == filters.status)
    if filters.verdict in VERDICTS:
        query = query.where(Submission.verdict == filters.verdict)
    if filters.date_from:
        start = dt.datetime.combine(filters.date_from, dt.time(), tzinfo=dt.UTC)
        query = query.where(Submission.submitted_at >= start)
    if filters.date_to and filters.date_to < dt.date.max:  # the last day ends nothing
        end = dt.datetime.combine(
            filters.date_to + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC
        )
        query = query.where(Submission.submitted_at < end)
    if filters.attention:
        query = query.where(_needs_attention())
    if filters.q:
        term = filters.q.strip().lower()
        query = _searched(query, term, search_limit, newest=newest)
    return query


def _searched(
    query: sa.Select, term: str, limit: int | None, *, newest: bool
) -> sa.Select:
    """`query` narrowed to the rows whose search text holds the lower-cased `term`,
    every character literal; `limit` of them when given, the most recent if `newest`."""
    pattern = _contains(term)
    like = Submission.search_text.like(pattern, escape="\\")
    sqlite = db.engine.dialect.name == "sqlite"
    if sqlite and len(term) >= TRIGRAM:
        return _searched_by_fts(query, term, like, limit, newest=newest)
    if sqlite:
        # a term too short for trigrams: the ids from the small index of the search
        # text (SQLite would rather scan the table: INDEXED BY points it there)
        query = query.where(
            Submission.id.in_(
                sa.select(sa.column("id"))
                .select_from(sa.text("submission INDEXED BY ix_submission_search"))
                .where(
                    sa.text(LISTED_SQL),
                    sa.column("search_text").like(pattern, escape="\\"),
                )
            )
        )
    elif len(term) >= TRIGRAM:
        # PostgreSQL: its trigram index serves the LIKE (the planner's choice), or
        # only the LIKE of the term's rarest word when it has several (_rarest_word)
        word = _rarest_word(term)
        if word:
            query = query.where(
                Submission.search_text.like(_contains(word), escape="\\"),
                Submission.search_text.concat("").like(pattern, escape="\\"),
            )
        else:
            query = query.where(like)
    else:
        # a term too short for trigrams makes the trigram index return every row
        # to be checked again: an expression it cannot serve keeps the planner off it
        query = query.where(
            Submission.search_text.concat("").like(pattern, escape="\\")
        )
    if limit is None:
        return query
    return _limited(query, Submission.id.desc() if newest else None, limit)


def _contains(term: str) -> str:
    """The LIKE pattern of a text holding `term`, every character literal."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# PostgreSQL: a term of several words is looked up in the trigram index by its rarest
# word alone, the whole term checked on the rows found. The index's posting lists of
# trigrams that nearly every row has (`pro`, `exa`, `com`, ...) are what made a search
# slow (bench/profiles.md, round 3); any one word's LIKE holds for every match, so the
# results are the same whichever word is chosen: the choice is a matter of speed only.
# Kept per process by term; the rarest among the SAMPLE most recent listed rows.
rarest_words = Cache("rarest_search_word", maxsize=1000)
SAMPLE = 2000


def _rarest_word(term: str) -> str:
    """The word of `term` fewest of a sample of rows hold ('' for a single word)."""
    parts = term.split()
    words = sorted({w for w in parts if len(w) >= TRIGRAM}, key=len, reverse=True)
    if len(parts) < 2 or not words:
        return ""
    if len(words) == 1:
        return words[0]
    return str(rarest_words.get(term, lambda: _rarest_in_sample(words)))


def _rarest_in_sample(words: list[str]) -> str:
    sample = (
        sa.select(Submission.search_text)
        .where(sa.text(LISTED_SQL))
        .order_by(Submission.id.desc())
        .limit(SAMPLE)
        .subquery()
    )
    counts = db.session.execute(
        sa.select(
            *(
                sa.func.count().filter(
                    sample.c.search_text.like(_contains(w), escape="\\")
                )
                for w in words
            )
        )
    ).one()
    # fewest first; the longest of equals (more trigrams to narrow by)
    return min(zip(counts, range(len(words)), words, strict=True))[2]


def _searched_by_fts(
    query: sa.Select,
    term: str,
    like: sa.ColumnElement[bool],
    limit: int | None,
    *,
    newest: bool,
) -> sa.Select:
    # SQLite: the FTS5 trigram index finds the candidates (a quoted phrase, in which
    # every character is literal); LIKE then keeps exactly what it alone would match
    index = sa.table(SEARCH_INDEX, sa.column("rowid"))
    match = sa.text(f"{SEARCH_INDEX} MATCH :phrase").bindparams(
        phrase='"' + term.replace('"', '""') + '"'
    )
    if limit is None:
        return query.where(
            Submission.id.in_(sa.select(index.c.rowid).where(match)), like
        )
    # newest first straight off the index, so that the limit stops the reading
    query = query.join(index, index.c.rowid == Submission.id).where(match, like)
    return _limited(query, index.c.rowid.desc() if newest else None, limit)


def _limited(query: sa.Select, order, limit: int) -> sa.Select:
    """The submissions among the first `limit` ids of `query` in `order` (any if None)."""
    ids = query.with_only_columns(Submission.id).order_by(order).limit(limit)
    # its own FROM: the outer query reads `submission` too, and must not correlate
    return sa.select(Submission).where(Submission.id.in_(ids.correlate(None)))


# the small columns a listed submission shows, read as plain rows (no ORM objects)
SHOWN_COLUMNS = (
    Submission.id,
    Submission.name,
    Submission.business,
    Submission.email,
    Submission.submitted_at,
    Submission.overall,
    Submission.fit,
    Submission.chemistry,
    Submission.boundaries,
    Submission.verdict,
    Submission.flag_count,
    Submission.package_override,
    Submission.package_name,
    Submission.status,
)
# a list row; a not-a-fit row also brings its knock-out reasons in the same query,
# last (listing.list_rows_html keys a row by the columns before it)
LIST_COLUMNS = (
    *SHOWN_COLUMNS,
    sa.case((Submission.verdict == NOT_A_FIT, Submission.knockouts)).label("knockouts"),
)


def _needs_attention() -> sa.ColumnElement[bool]:
    return needs_attention(current_practice(), utcnow())


# a row of the list read together with the signed-in consultant (its LIST_COLUMNS)
ListedRow = collections.namedtuple("ListedRow", [c.key for c in LIST_COLUMNS])  # type: ignore[misc]


def submissions_for_dashboard(
    filters: ListFilters, *, per_page: int = PER_PAGE
) -> Page:
    """One page of submitted prospects (rows of LIST_COLUMNS), sorted and filtered;
    two queries in all, one when the total is cached."""
    page = _page_of(filters, per_page)
    page.rows = list(db.session.execute(_listed(filters, page)).all())
    return page


# the list's statements read with the consultant, by all that shapes them (a statement
# built per request costs more than it takes to run: bench/profiles.md, round 3)
list_statements = Cache("list_statements", maxsize=256)


def dashboard_for(
    me: sa.Select,
    values: dict[str, int],
    filters: ListFilters,
    *,
    per_page: int = PER_PAGE,
) -> tuple[Page, Consultant | None]:
    """The list's page as submissions_for_dashboard, read in one statement with the
    signed-in consultant (`me` and its `values`: auth.SIGNED_IN): the consultant's row
    with the page joined to it. No row: the session is not current, and no one is
    returned; one row without a submission: the page is empty."""
    page = _page_of(filters, per_page)

    def build() -> sa.Select:
        sort = SORTS.get(filters.sort, Submission.submitted_at).key
        inner = _listed(filters, page).subquery("listed")
        return (
            me.add_columns(*inner.c)
            .outerjoin(inner, sa.true())
            .order_by(*_in_order(filters, inner.c[sort], inner.c.id))
        )

    # what needs attention depends on the time of the request: built each time
    shape = (filters.sort, filters.direction, page.page, page.capped, per_page)
    key = (me, filters.key(), shape)
    statement = build() if filters.attention else list_statements.get(key, build)
    found = db.session.execute(statement, values).all()
    if not found:
        return page, None
    page.rows = [ListedRow(*row[1:]) for row in found if row[1] is not None]
    return page, found[0][0]


def _page_of(filters: ListFilters, per_page: int) -> Page:
    """The page's numbers (its rows not read yet): the total from the counts' cache."""
    found = counts_cache.get(("list",) + filters.key(), lambda: _count(filters))
    capped = bool(filters.q) and found > SEARCH_LIMIT
    total = SEARCH_LIMIT if capped else found
    pages = max(1, math.ceil(total / per_page))
    number = min(max(filters.page, 1), pages)
    return Page([], total, number, per_page, capped=capped)


def _listed(filters: ListFilters, page: Page) -> sa.Select:
    """The statement of the page's rows of LIST_COLUMNS, in order."""
    column = SORTS.get(filters.sort, Submission.submitted_at)
    # within the limit every match is listed, and the search needs no order
    query = _filtered(filters, search_limit=SEARCH_LIMIT if page.capped else None)
    return (
        query.with_only_columns(*LIST_COLUMNS)
        # a stable tie-break keeps pages from overlapping
        .order_by(*_in_order(filters, column, Submission.id))
        .limit(page.per_page)
        .offset((page.page - 1) * page.per_page)
    )


def _in_order(filters: ListFilters, *columns) -> list:
    if filters.direction == "asc":
        return [c.asc() for c in columns]
    return [c.desc() for c in columns]


def _count(filters: ListFilters) -> int:
    # a search counts no further than one match past its limit
    counted = _filtered(filters, search_limit=SEARCH_LIMIT + 1, newest=False)
    return db.session.execute(
        sa.select(sa.func.count()).select_from(
            counted.with_only_columns(Submission.id).subquery()
        )
    ).scalar_one()


# what the CSV export writes (intake.workspace.export.csv_cells), as plain rows
EXPORT_COLUMNS = (*SHOWN_COLUMNS, Submission.questionnaire_version)
EXPORT_BATCH = 1000


def submissions_for_export(filters: ListFilters) -> Iterator[sa.Row]:
    """Every submission matching the filters as plain rows of EXPORT_COLUMNS, streamed:
    fetched a batch at a time (PostgreSQL: a server-side cursor), no ORM objects, so a
    worker's memory stays flat whatever the count (bench/work.py)."""
    column = SORTS.get(filters.sort, Submission.submitted_at)
    order = column.asc() if filters.direction == "asc" else column.desc()
    query = (
        _filtered(filters)
        .with_only_columns(*EXPORT_COLUMNS)
        .order_by(order, Submission.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )
    yield from db.session.execute(query)


def drafts_for_dashboard(*, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """Unfinished questionnaires, latest activity first."""
    total = db.session.execute(
        sa.select(sa.func.count())
        .select_from(Submission)
        .where(Submission.status == DRAFT)
    ).scalar_one()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    rows = db.session.scalars(
        sa.select(Submission)
        .where(Submission.status == DRAFT)
        .order_by(Submission.updated_at.desc(), Submission.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(list(rows), total, page, per_page)


@dataclass(frozen=True)
class Summary:
    by_verdict: dict[str, int]
    by_status: dict[str, int]
    drafts: int
    weeks: list[tuple[dt.date, int]]  # (Monday, submissions that week), oldest first


def summary_for_dashboard(*, today: dt.date | None = None) -> Summary:
    """Counts per verdict and status, drafts, and submissions per week (cached briefly)."""
    today = today or utcnow().date()
    return counts_cache.get(("summary", today), lambda: _summary(today))


def _summary(today: dt.date) -> Summary:
    by_status = dict(
        db.session.execute(
            sa.select(Submission.status, sa.func.count()).group_by(Submission.status)
        ).all()
    )
    by_verdict = dict(
        db.session.execute(
            sa.select(Submission.verdict, sa.func.count())
            .where(Submission.verdict.is_not(None))
            .group_by(Submission.verdict)
        ).all()
    )
    monday = today - dt.timedelta(days=today.weekday())
    starts = [
        monday - dt.timedelta(weeks=WEEKS_SHOWN - 1 - i) for i in range(WEEKS_SHOWN)
    ]
    edges = [dt.datetime.combine(d, dt.time(), tzinfo=dt.UTC) for d in starts]
    edges.append(edges[-1] + dt.timedelta(weeks=1))
    # one count per week, each a range of ix_listed_submitted_at (drafts have no
    # submitted_at): at 1,000,000 rows 8 ms on SQLite where one scan of the 12 weeks
    # with a CASE per week took 160 (bench/README.md, "Cost as data grows")
    weeks = [
        sa.select(sa.func.count())
        .select_from(Submission)
        .where(
            sa.text(LISTED_SQL),
            Submission.submitted_at >= edges[i],
            Submission.submitted_at < edges[i + 1],
        )
        .scalar_subquery()
        for i in range(WEEKS_SHOWN)
    ]
    counts = db.session.execute(sa.select(*weeks)).one()
    return Summary(
        by_verdict={v: by_verdict.get(v, 0) for v in VERDICTS},
        by_status={s: by_status.get(s, 0) for s in PIPELINE},
        drafts=by_status.get(DRAFT, 0),
        weeks=list(zip(starts, [int(c) for c in counts], strict=True)),
    )


def notes_for_submission(submission_id: int) -> list[Note]:
    return list(
        db.session.scalars(
            sa.select(Note)
            .where(Note.submission_id == submission_id)
            .order_by(Note.created_at.desc(), Note.id.desc())
        )
    )


def history_for_submission(submission_id: int) -> list[StatusChange]:
    return list(
        db.session.scalars(
            sa.select(StatusChange)
            .where(StatusChange.submission_id == submission_id)
            .order_by(StatusChange.created_at.desc(), StatusChange.id.desc())
        )
    )


def others_with_email(submission: Submission) -> list[Submission]:
    """Other submissions by the same e-mail, compared without regard to capitals."""
    if not submission.email_key:
        return []
    return list(
        db.session.scalars(
            sa.select(Submission)
            .where(
                Submission.email_key == submission.email_key,
                Submission.id != submission.id,
            )
            .order_by(Submission.id.desc())
            .limit(20)
        )
    )


def knockouts_of(rows: list[sa.Row]) -> dict[int, list[str]]:
    """The knock-out reasons of the not-a-fit rows of one page, by id: the list must
    say why a prospect with a good score is not a fit. From the rows' own
    `knockouts` (LIST_COLUMNS): no query."""
    return {
        row.id: list(row.knockouts)
        for row in rows
        if row.verdict == NOT_A_FIT and row.knockouts
    }
