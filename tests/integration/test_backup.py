"""The restore drill: back up, lose everything, restore, and find every row again.

Runs on SQLite (the online backup API) and, with INTAKE_TEST_DATABASE_URL, on
PostgreSQL (pg_dump and pg_restore).
"""

from __future__ import annotations

import os
import secrets
import stat

import sqlalchemy as sa

from intake.models import (
    DeletionRecord,
    Note,
    ProposalDocument,
    StatusChange,
    Submission,
)
from tests.factories import make_consultant, make_submission


def everything(db) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    tables = {}
    for table in db.metadata.sorted_tables:
        query = sa.select(table).order_by(*table.primary_key.columns)
        tables[table.name] = [tuple(row) for row in db.session.execute(query)]
    db.session.rollback()
    return tables


def fill(db) -> None:
    """Prospects with notes, pipeline moves, stored PDFs, a draft and a deletion."""
    author = make_consultant()
    kept = [
        make_submission(persona=persona, status=status)
        for persona, status in [
            ("strategic_collaborator", "new"),
            ("friendly_founder", "booked"),
            ("strategic_collaborator", "draft"),
        ]
    ]
    db.session.flush()
    for n, submission in enumerate(kept):
        db.session.add(
            Note(
                submission_id=submission.id,
                author_id=author.id,
                author_name=author.name,
                body=f"Call on Tuesday {n}: ünïcode & <markup> kept",
            )
        )
        db.session.add(
            StatusChange(
                submission_id=submission.id,
                from_status="new",
                to_status="booked",
                author_name=author.name,
            )
        )
        db.session.add(
            ProposalDocument(
                digest=secrets.token_hex(32),
                submission_id=submission.id,
                pdf=b"%PDF-1.7\n" + secrets.token_bytes(20_000) + b"\x00%%EOF",
            )
        )
    db.session.add(DeletionRecord(submission_id=999, deleted_by=author.name))
    db.session.commit()


def test_restore_drill_brings_back_every_row_and_pdf(app, db, runner, tmp_path):
    fill(db)
    before = everything(db)
    assert [len(before[t]) for t in ("submission", "note", "proposal_document")] == [
        3,
        3,
        3,
    ]
    path = tmp_path / "drill" / "intake.backup"

    result = runner.invoke(args=["backup", "--output", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"backup written to {path} (")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # personal data inside

    db.session.remove()
    db.drop_all()  # the disaster: every table gone
    db.engine.dispose()
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output

    assert everything(db) == before
    # the restored database takes new rows as before (sequences came back too)
    db.session.add(
        Note(submission_id=before["submission"][0][0], author_name="x", body="y")
    )
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Note)) == 4
    assert db.session.get(Submission, before["submission"][0][0]).status == "new"


def test_restore_asks_first_and_keeps_the_database_when_refused(
    app, db, runner, tmp_path
):
    fill(db)
    path = tmp_path / "b"
    assert runner.invoke(args=["backup", "-o", str(path)]).exit_code == 0
    db.session.add(Note(submission_id=1, author_name="later", body="written after"))
    db.session.commit()
    result = runner.invoke(args=["restore", str(path)], input="n\n")
    assert result.exit_code == 1
    assert "Aborted" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Note)) == 4


def test_backup_without_a_path_goes_to_the_instance_folder(app, db, runner):
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    written = result.output.split(" to ", 1)[1].split(" (", 1)[0]
    assert written.startswith(os.path.join(app.instance_path, "backups", "intake-"))
    assert os.path.getsize(written) > 0
    os.remove(written)


def test_backup_refuses_to_write_through_a_symbolic_link(app, db, runner, tmp_path):
    """A link planted where the backup goes (say, to ~/.ssh/authorized_keys or a file
    others can read) is neither followed nor replaced, even with --force."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "backup.sqlite3"
    link.symlink_to(victim)
    for extra in ([], ["--force"]):
        result = runner.invoke(args=["backup", "-o", str(link), *extra])
        assert result.exit_code == 1
        assert "is a symbolic link" in result.output
    assert victim.read_text() == "keep me" and link.is_symlink()
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    assert runner.invoke(args=["backup", "-o", str(dangling)]).exit_code == 1
    assert not (tmp_path / "nowhere").exists()


def test_backup_replaces_an_existing_file_only_with_force(app, db, runner, tmp_path):
    fill(db)
    db.session.commit()
    path = tmp_path / "nightly.sqlite3"
    path.write_text("last night's backup")
    path.chmod(0o644)
    result = runner.invoke(args=["backup", "-o", str(path)])
    assert result.exit_code == 1
    assert "exists" in result.output and "--force" in result.output
    assert path.read_text() == "last night's backup"
    result = runner.invoke(args=["backup", "-o", str(path), "--force"])
    assert result.exit_code == 0, result.output
    assert path.stat().st_size > len("last night's backup")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert runner.invoke(args=["restore", str(path), "--yes"]).exit_code == 0
