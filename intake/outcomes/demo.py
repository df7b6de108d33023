"""A generated, clearly labelled set of past clients with outcomes (flask demo-outcomes),
so that the outcome report can be seen on a fresh clone.

Every demo client is named "Demo: ...", has an e-mail at example.com, and every one of
their outcomes is stored with `demo` set (the report then says it includes demo data).
The answers are drawn at random from the active questionnaire (knock-out answers
left out: such prospects do not become clients), then checked and scored by the real
code; the outcomes follow a few answers, found by role, so that the report has
something to find. Seeded: the same seed gives the same data.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from .. import pipeline, registry, submissions
from ..config import run_mode
from ..extensions import db
from ..models import StatusChange, Submission, utcnow
from ..practice_store import current_practice
from ..questionnaire.answers import check_complete_answers
from ..questionnaire.schema import Question, Questionnaire
from ..security import new_private_token
from .due import add_months
from .models import ClientOutcome
from .report import CHECKPOINTS, ENDED

SEED = 26
CLIENTS = 120
AUTHOR = "Demo data (generated)"
DEMO = "Demo: "  # the start of every demo client's name and business
FIRST = ("Alex", "Sam", "Robin", "Jo", "Kim", "Lee", "Noor", "Ana", "Ravi", "Mia")
LAST = ("Hart", "Okafor", "Lind", "Moreau", "Sato", "Quinn", "Patel", "Berg", "Costa")
TRADES = ("Coaching", "Design Studio", "Consulting", "Therapy Practice", "Law Office")


def _pick_choice(question: Question, rng: random.Random) -> str:
    choices = [c for c in question.choices if not c.knockout]
    weights = [0.5 if c.flag else 1.0 for c in choices]
    return rng.choices(choices, weights)[0].value


def _pick_multi(question: Question, rng: random.Random) -> list[str]:
    usable = [c for c in question.choices if not c.knockout]
    alone = [c for c in usable if c.exclusive]
    if alone and rng.random() < 0.15:
        return [rng.choice(alone).value]
    others = [c for c in usable if not c.exclusive]
    if len(others) == 1:
        return [others[0].value]
    count = max(question.min_choices, min(len(others), rng.randint(1, 3)))
    return sorted(c.value for c in rng.sample(others, count))


def _pick_text(question: Question, person: dict[str, str]) -> str:
    by_role = {
        "contact_name": person["name"],
        "contact_email": person["email"],
        "business_name": person["business"],
    }
    return by_role.get(question.role or "", "Generated demo answer.")


def _pick(question: Question, rng: random.Random, person: dict[str, str]) -> Any:
    if question.type in ("single", "scale"):
        return _pick_choice(question, rng)
    if question.type == "multi":
        return _pick_multi(question, rng)
    if question.type == "number":
        wanted = rng.choice((6, 12, 20, 30, 45))
        return max(question.minimum, min(question.maximum, wanted))
    if question.type == "date":
        return "2026-01-15" if question.required else None
    return _pick_text(question, person)


def demo_answers(
    questionnaire: Questionnaire, rng: random.Random, n: int
) -> dict[str, Any]:
    """Complete, valid answers of the n-th demo client (checked like a prospect's)."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    person = {
        "name": f"{DEMO}{first} {last}",
        "email": f"demo-client-{n}@example.com",
        "business": f"{DEMO}{last} {rng.choice(TRADES)}",
    }
    answers: dict[str, Any] = {}
    for question in questionnaire.questions:
        if questionnaire.is_visible(question, answers):
            value = _pick(question, rng, person)
            if value is not None:
                answers[question.id] = value
    return check_complete_answers(questionnaire, answers)


def _meta(questionnaire: Questionnaire, role: str, answers) -> list[dict]:
    """The `meta` of the choices given to the question of this role."""
    question = questionnaire.by_role(role)
    if question is None or question.id not in answers:
        return []
    given = answers[question.id]
    values = given if isinstance(given, list) else [given]
    return [dict(c.meta) for v in values if (c := question.choice(v))]


def good_chance(questionnaire: Questionnaire, answers: dict[str, Any]) -> float:
    """How likely a good outcome is for these answers, in the made-up world of the demo:
    working together, a review rhythm and a realistic reply time go with good ones."""
    chance = 0.55
    means = {m.get("means") for m in _meta(questionnaire, "stance", answers)}
    chance += 0.25 if "together" in means else -0.25
    cadence = questionnaire.by_role("review_cadence")
    if cadence and set(answers.get(cadence.id, [])) & {"weekly", "monthly"}:
        chance += 0.1
    hours = [m.get("hours", 99) for m in _meta(questionnaire, "reply_time", answers)]
    if hours and min(hours) <= 1:
        chance -= 0.3
    if any(
        m.get("beyond_scope") for m in _meta(questionnaire, "beyond_scope", answers)
    ):
        chance -= 0.15
    return min(0.95, max(0.05, chance))


def _ratings(rng: random.Random, good: bool, reached: int) -> list[str]:
    """The ratings at the check-ins reached; an early end stops them."""
    out = []
    for _ in range(reached):
        if good:
            out.append("thriving" if rng.random() < 0.6 else "fine")
        else:
            out.append(ENDED if rng.random() < 0.35 else "struggled")
            if out[-1] == ENDED:
                break
    return out


def _new_client(questionnaire, answers, submitted_at: dt.datetime) -> Submission:
    submission = Submission(
        token_hash=new_private_token().hash,
        token_expires_at=submitted_at,
        status="new",
        questionnaire_version=questionnaire.version,
        questionnaire_digest=questionnaire.digest,
        steps_done=len(questionnaire.steps),
        answers=answers,
        created_at=submitted_at,
        updated_at=submitted_at,
        submitted_at=submitted_at,
    )
    submissions.update_contact(submission, questionnaire)
    submissions.score(submission, questionnaire, current_practice())
    db.session.add(submission)
    db.session.flush()  # the id, for the history row
    return submission


def create_demo_outcomes(
    *, seed: int = SEED, clients: int = CLIENTS, now: dt.datetime | None = None
) -> int:
    """Add the demo clients and their outcomes (after removing any earlier demo data).
    Returns how many clients were made. No commit."""
    now = now or utcnow()
    remove_demo_outcomes()
    rng = random.Random(seed)
    questionnaire = registry.active()
    registry.ensure_stored(questionnaire)
    for n in range(1, clients + 1):
        answers = demo_answers(questionnaire, rng, n)
        good = rng.random() < good_chance(questionnaire, answers)
        won_at = now - dt.timedelta(days=rng.randint(100, 760))
        client = _new_client(questionnaire, answers, won_at - dt.timedelta(days=21))
        pipeline.move_status(client, "won", author=AUTHOR, now=won_at)
        reached = sum(add_months(won_at, m) <= now for m in CHECKPOINTS)
        if rng.random() < 0.05:  # a few check-ins still to record: Today shows them
            reached -= 1
        for months, rating in zip(
            CHECKPOINTS, _ratings(rng, good, reached), strict=False
        ):
            db.session.add(
                ClientOutcome(
                    submission_id=client.id,
                    checkpoint=months,
                    rating=rating,
                    note="Generated demo outcome.",
                    author_name=AUTHOR,
                    demo=True,
                    recorded_at=add_months(won_at, months),
                )
            )
    return clients


def remove_demo_outcomes() -> int:
    """Delete every demo client and all that is theirs: named "Demo: ..." and made a
    client by the generator (a demo client may have no outcome yet)."""
    ids = list(
        db.session.scalars(
            sa.select(StatusChange.submission_id)
            .join(Submission, Submission.id == StatusChange.submission_id)
            .where(StatusChange.author_name == AUTHOR, Submission.name.startswith(DEMO))
            .distinct()
        )
    )
    # generated rows: no deletion record is kept; the database's cascades remove
    # their history and outcomes
    if ids:
        db.session.execute(
            sa.delete(Submission)
            .where(Submission.id.in_(ids))
            .execution_options(synchronize_session=False)
        )
    return len(ids)


@click.command("demo-outcomes")
@click.option("--remove", is_flag=True, help="Remove the demo clients and stop.")
@click.option("--if-empty", is_flag=True, help="Only when there are no submissions.")
@click.option("--seed", type=int, default=SEED, show_default=True)
@click.option(
    "--clients", type=click.IntRange(1, 2000), default=CLIENTS, show_default=True
)
@with_appcontext
def demo_outcomes_command(remove, if_empty, seed, clients):
    """Add generated demo clients ("Demo: ...") with outcomes, for the outcome report
    (debug mode only). Run again to replace them; --remove to take them out."""
    if run_mode(current_app.config) not in ("debug", "testing"):
        raise click.ClickException(
            "demo data is made only in debug mode "
            "(flask --app intake --debug demo-outcomes)"
        )
    if remove:
        removed = remove_demo_outcomes()
        db.session.commit()
        click.echo(f"Removed {removed} demo clients.")
        return
    if if_empty and db.session.scalar(sa.select(Submission.id).limit(1)) is not None:
        click.echo("Demo outcomes not added: the database has submissions.")
        return
    made = create_demo_outcomes(seed=seed, clients=clients)
    db.session.commit()
    click.echo(
        f"Added {made} demo clients with outcomes (named “Demo: …”): "
        "see Outcomes in the workspace. Remove them with demo-outcomes --remove."
    )
