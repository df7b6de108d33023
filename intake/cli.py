"""Command-line tools: `flask --app intake <command>`."""

from __future__ import annotations

import json
import sys

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext

from . import registry, rescoring, submissions
from .backup import backup_command, restore_command
from .config import run_mode
from .documents import render, service
from .documents.render import ProposalTooLarge
from .extensions import db
from .models import DRAFT, Consultant, Submission
from .outcomes.demo import demo_outcomes_command
from .practice_store import current_practice
from .questionnaire.answers import check_complete_answers
from .questionnaire.errors import DefinitionError, InvalidAnswers
from .questionnaire.schema import load_questionnaire
from .questionnaire.scoring import Assessment, assess
from .security import MAX_PASSWORD, MIN_PASSWORD, normalise_identity


def register_commands(app: Flask) -> None:
    for command in (
        check_questionnaire,
        score,
        list_submissions,
        rescore,
        create_user,
        demo_account,
        demo_outcomes_command,
        proposal,
        purge_drafts,
        backup_command,
        restore_command,
    ):
        app.cli.add_command(command)


@click.command("check-questionnaire")
@with_appcontext
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def check_questionnaire(path):
    """Check a questionnaire file (the active one by default)."""
    path = path or current_app.config["QUESTIONNAIRE_PATH"]
    try:
        q = load_questionnaire(path)
    except DefinitionError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"{path}: version {q.version}, {len(q.steps)} steps, "
        f"{len(q.questions)} questions: OK"
    )


@click.command("score")
@with_appcontext
@click.argument("answers_file", type=click.File("r", encoding="utf-8"))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def score(answers_file, as_json):
    """Score answers given as JSON (question id -> answer) without the browser."""
    questionnaire = registry.active()
    answers = _read_answers(answers_file, questionnaire)
    assessment = assess(questionnaire, answers)
    if as_json:
        click.echo(json.dumps(assessment.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(format_assessment(assessment))


def _read_answers(answers_file, questionnaire) -> dict:
    """Complete, valid answers from a JSON file, or a ClickException saying why not."""
    try:
        raw = json.load(answers_file)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise click.ClickException(
            f"{answers_file.name} is not valid JSON ({exc})"
        ) from None
    if not isinstance(raw, dict):
        raise click.ClickException(
            "the answers must be a JSON object: question id -> answer"
        )
    try:
        return check_complete_answers(questionnaire, raw)
    except InvalidAnswers as exc:
        lines = "\n".join(f"  {qid}: {msg}" for qid, msg in exc.errors.items())
        raise click.ClickException(f"some answers cannot be scored:\n{lines}") from None


def format_assessment(a: Assessment) -> str:
    """The assessment as plain text: scores, verdict, flags, then every reason."""
    lines = [
        f"Verdict: {a.verdict}  (overall {a.overall}/100, questionnaire {a.version})",
        "Scores: " + ", ".join(f"{d} {v}" for d, v in a.scores.items()),
        "",
        f"Red flags ({len(a.flags)}):" if a.flags else "Red flags: none",
    ]
    lines += [
        f"  ! {f.reason}{' [knock-out]' if f.knockout else ''}  (“{f.answer}”)"
        for f in a.flags
    ]
    lines += ["", "Why:"]
    lines += [
        f"  {r.points:+d} {r.dimension:<10} {r.question} → {r.answer}"
        for r in a.reasons
    ]
    return "\n".join(lines)


@click.command("submissions")
@with_appcontext
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000))
@click.option("--drafts", is_flag=True, help="List unfinished drafts instead.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
def list_submissions(limit, drafts, as_json):
    """List the latest submissions with their scores."""
    query = sa.select(Submission).order_by(Submission.updated_at.desc()).limit(limit)
    query = query.where(
        Submission.status == DRAFT if drafts else Submission.status != DRAFT
    )
    rows = db.session.scalars(query).all()
    if as_json:
        for s in rows:
            click.echo(json.dumps(_row(s), ensure_ascii=False))
        return
    if not rows:
        click.echo("No drafts yet." if drafts else "No submissions yet.")
        return
    click.echo(
        f"{'id':>6}  {'submitted':<16}  {'name':<24} {'business':<24} "
        f"{'overall':>7} {'fit':>4} {'chem':>4} {'bound':>5} {'flags':>5}  verdict"
    )
    for s in rows:
        when = (s.submitted_at or s.updated_at).strftime("%Y-%m-%d %H:%M")
        click.echo(
            f"{s.id:>6}  {when:<16}  {s.name[:24]:<24} {s.business[:24]:<24} "
            f"{_n(s.overall):>7} {_n(s.fit):>4} {_n(s.chemistry):>4} "
            f"{_n(s.boundaries):>5} {s.flag_count:>5}  {s.verdict or 'draft'}"
        )


def _n(value) -> str:
    return "-" if value is None else str(value)


def _row(s: Submission) -> dict:
    return {
        "id": s.id,
        "status": s.status,
        "submitted_at": s.submitted_at.isoformat() if s.submitted_at else None,
        "name": s.name,
        "business": s.business,
        "email": s.email,
        "overall": s.overall,
        "scores": {"fit": s.fit, "chemistry": s.chemistry, "boundaries": s.boundaries},
        "verdict": s.verdict,
        "flags": s.flag_count,
        "questionnaire_version": s.questionnaire_version,
    }


@click.command("rescore")
@with_appcontext
@click.option(
    "--current",
    is_flag=True,
    help="Score every submission under the active questionnaire instead of its own.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print how the verdicts and the order would change; write nothing.",
)
def rescore(current, dry_run):
    """Score every submission again, after a change of the definition, scoring or packages."""
    active = registry.active()
    practice = current_practice()
    questionnaire_for = (lambda _digest: active) if current else registry.for_digest
    total, changed, moves = 0, 0, []
    # a dry run reports every row; a re-score that writes sees the changed ones alone
    batches = (
        ((len(b), b) for b in submissions.rescored(questionnaire_for, practice))
        if dry_run
        else submissions.changes(questionnaire_for, practice)
    )
    with progress(submissions.count_submitted(), "Re-scoring") as bar:
        for count, batch in batches:
            for r in batch:
                if r.after is None:
                    click.echo(
                        f"submission {r.id}: its questionnaire is not stored; skipped",
                        err=True,
                    )
                elif dry_run:
                    moves.append(_move(r))
            if not dry_run:
                changed += submissions.write_scores(batch)
                db.session.commit()
            total += count
            bar.update(count)
    if dry_run:
        db.session.rollback()
        what = f" under questionnaire {active.version}" if current else ""
        click.echo(rescoring.report(moves, what=what))
    else:
        click.echo(f"Re-scored {total} submissions; {changed} changed.")


def progress(length: int, label: str):
    """A progress bar on stderr when it is a terminal, else nothing at all: what
    scripts and tests read is the same with or without it."""
    return click.progressbar(
        length=length, label=label, file=sys.stderr, hidden=not sys.stderr.isatty()
    )


def _move(r: submissions.Rescored) -> rescoring.Move:
    """What scoring the submission again would change, without writing it."""
    return rescoring.Move(
        r.id,
        r.name,
        r.overall_before,
        r.verdict_before,
        r.overall_after,
        r.verdict_after,
    )


@click.command("create-user")
@click.argument("email")
@click.option("--name", default="", help="The name shown on notes.")
@click.option(
    "--password",
    envvar="INTAKE_NEW_PASSWORD",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Prompted (not echoed) unless INTAKE_NEW_PASSWORD is set.",
)
@with_appcontext
def create_user(email, name, password):
    """Create a consultant account, or set a new password for an existing one."""
    email = normalise_identity(email)
    if "@" not in email or len(email) > 254:
        raise click.ClickException(
            "please give an e-mail address such as you@practice.com"
        )
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise click.ClickException(
            f"the password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters"
        )
    user = db.session.scalar(sa.select(Consultant).where(Consultant.email == email))
    created = user is None
    if created:
        user = Consultant(email=email, name=name.strip()[:120])
        db.session.add(user)
    elif name:
        user.name = name.strip()[:120]
    user.set_password(password)
    db.session.commit()
    click.echo(f"{'Created' if created else 'Updated'} {email}.")


DEMO_PASSWORD = "demo-password"


@click.command("demo-account")
@with_appcontext
def demo_account():
    """Create the local demo account on first run (debug mode only: its password is public)."""
    if run_mode(current_app.config) not in ("debug", "testing"):
        raise click.ClickException(
            "the demo account is made only in debug mode "
            "(flask --app intake --debug demo-account); use create-user"
        )
    email = current_app.config["DEMO_EMAIL"]
    if db.session.scalar(sa.select(sa.func.count()).select_from(Consultant)) == 0:
        user = Consultant(email=email, name="Demo Consultant")
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        db.session.commit()
        click.echo("Created the demo account.")
    click.echo(
        f"Workspace: http://127.0.0.1:5000/workspace/ (sign in as {email} / {DEMO_PASSWORD}"
        " unless you changed it)"
    )


@click.command("proposal")
@click.argument("submission_id", type=int, required=False)
@click.option(
    "--answers",
    "answers_file",
    type=click.File("r", encoding="utf-8"),
    help="Render what a prospect with these answers (JSON, as for `flask score`) "
    "would receive; nothing is stored.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Where to write the PDF."
)
@click.option("--letter", is_flag=True, help="Write the referral letter instead.")
@with_appcontext
def proposal(submission_id, answers_file, output, letter):
    """Write the proposal PDF of a submission (or of answers in a file) to a file."""
    if (submission_id is None) == (answers_file is None):
        raise click.UsageError("give either a SUBMISSION_ID or --answers FILE")
    try:
        if answers_file is not None:
            pdf, cached, name = _proposal_from_answers(answers_file, letter), False, ""
        else:
            pdf, cached, name = _proposal_of_submission(submission_id, letter)
    except service.NotAFit:
        raise click.ClickException(
            "This prospect is not a fit, so there is no proposal to write: add "
            "--letter for the referral letter"
            + (
                ""
                if answers_file is not None
                else ", or choose a package for them in the workspace first"
            )
            + "."
        ) from None
    except ProposalTooLarge as exc:
        raise click.ClickException(str(exc)) from None
    path = output or name or ("letter.pdf" if letter else "proposal.pdf")
    try:
        with open(path, "wb") as fh:
            fh.write(pdf)
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror}") from None
    click.echo(
        f"Wrote {path} ({len(pdf):,} bytes{', from the cache' if cached else ''})."
    )


def _proposal_of_submission(submission_id: int, letter: bool):
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.is_draft:
        raise click.ClickException(f"no submitted questionnaire has id {submission_id}")
    pdf, cached = service.pdf_for(
        submission, current_practice(), letter=letter, base_url="http://localhost/"
    )
    db.session.commit()
    return pdf, cached, service.download_name(submission, letter=letter)


def _letter_warnings(context: dict, practice) -> None:
    """What to check before sending a letter, on stderr (the file is still written)."""
    if not context.get("verdict_reason"):
        click.echo(
            "Warning: this prospect is a fit; the letter says a partnership is not the "
            "right arrangement for them. Did you mean the proposal (without --letter)?",
            err=True,
        )
    if not (practice.consultant_name or "").strip():
        click.echo(
            'Warning: the letter speaks in the first person ("I read every answer") '
            "but no consultant is named in Settings, so the practice signs it; add "
            "your name under Settings, Proposal terms.",
            err=True,
        )


def _proposal_from_answers(answers_file, letter: bool) -> bytes:
    questionnaire = registry.active()
    answers = _read_answers(answers_file, questionnaire)
    practice = current_practice()
    context = service.context_for_answers(
        questionnaire, answers, practice, letter=letter
    )
    if letter:
        _letter_warnings(context, practice)
    html = service.render_html(context, letter=letter)
    return render.render_pdf(html, base_url="http://localhost/")


@click.command("purge-drafts")
@with_appcontext
def purge_drafts():
    """Delete unfinished questionnaires whose resume link has expired (run it daily)."""
    deleted = submissions.purge_expired_drafts()
    db.session.commit()
    click.echo(f"Deleted {deleted} expired drafts.")
