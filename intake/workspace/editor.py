"""The questionnaire editor (owners only: /workspace/questionnaire in guard.OWNER_ONLY).

A draft of the next version is edited page by page (the draft, a step, a question, a
rule, or its TOML), previewed as the prospect sees it, scored on sample prospects, and
published. Every change goes through intake.questionnaire.editing (pure: TOML in, TOML
out) and the loader of the shipped file; a change it refuses is not saved and the page
comes back with what was typed and the message beside the field. Storage and publishing:
intake.editor.store.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import registry
from ..editor import store
from ..extensions import db
from ..forms import ActionForm
from ..models import utcnow
from ..questionnaire import editing
from ..questionnaire.errors import DefinitionError
from . import audit
from .editor_forms import HeaderForm, SourceForm, StepForm, error_list, plain
from .views import bp

bp.add_app_template_global(error_list, "error_list")

EDITOR = "/questionnaire"


def draft_or_home():
    """The draft, or a redirect to the editor's first page when there is none."""
    draft = store.current_draft()
    if draft is None:
        flash("Start a draft first: it begins as a copy of the current version.")
        return None, redirect(url_for("workspace.editor_home"))
    return draft, None


def save(text: str, message: str):
    """Store the checked text as the draft and commit; flash what changed."""
    store.save_draft_text(text, current_user)
    db.session.commit()
    flash(message, "success")


def parsed(draft):
    """The draft's Questionnaire (its text was checked when saved)."""
    return editing.check(draft.source)


@bp.get(EDITOR)
def editor_home():
    """The draft: its name, its steps, the rules, preview, samples, publish."""
    draft = store.current_draft()
    if draft is not None:
        return _home_with(draft)
    return render_template(
        "workspace/editor/home.html",
        draft=None,
        active=registry.active(),
        published=store.publications(),
        action=ActionForm(),
    )


@bp.post(EDITOR + "/start")
def editor_start():
    """A new draft, copied from the version new prospects answer now (replacing the
    draft there was: "Start over")."""
    if ActionForm().validate_on_submit():
        store.discard_draft()
        db.session.flush()
        store.start_draft(current_user, utcnow().date())
        db.session.commit()
        flash("A draft of the next version is ready to edit.", "success")
    return redirect(url_for("workspace.editor_home"))


@bp.post(EDITOR + "/header")
def editor_header():
    """The draft's version name, title and introduction."""
    draft, away = draft_or_home()
    if away:
        return away
    form = HeaderForm()
    if form.validate_on_submit():
        try:
            text = editing.edited(
                draft.source,
                editing.set_header,
                form.version.data,
                form.title.data,
                form.intro.data or "",
            )
        except DefinitionError as exc:
            field = next(
                (getattr(form, k) for k in ("title", "intro") if f"'{k}'" in str(exc)),
                form.version,
            )
            field.errors = [*field.errors, plain(exc)]
        else:
            save(text, "The draft's name and introduction are saved.")
            return redirect(url_for("workspace.editor_home"))
    return _home_with(draft, header=form), 400


def _home_with(draft, **forms):
    questionnaire = parsed(draft)
    context = {
        "draft": draft,
        "active": registry.active(),
        "published": store.publications(),
        "action": ActionForm(),
        "questionnaire": questionnaire,
        "header": HeaderForm(
            formdata=None,
            data={
                "version": questionnaire.version,
                "title": questionnaire.title,
                "intro": questionnaire.intro,
            },
        ),
        "step_form": StepForm(formdata=None),
    }
    context.update(forms)
    return render_template("workspace/editor/home.html", **context)


@bp.post(EDITOR + "/steps")
def editor_add_step():
    """A new step at the end, with one question to start from."""
    draft, away = draft_or_home()
    if away:
        return away
    if not ActionForm().validate_on_submit():
        return redirect(url_for("workspace.editor_home"))
    data = editing.load(draft.source)
    try:
        step_id = editing.add_step(data, "New step")
        text = editing.dump(data)
        editing.check(text)
    except (editing.EditError, DefinitionError) as exc:
        flash(getattr(exc, "message", None) or plain(exc), "error")
        return redirect(url_for("workspace.editor_home"))
    save(text, "A step was added at the end.")
    return redirect(url_for("workspace.editor_step", step_id=step_id))


@bp.post(EDITOR + "/steps/<step_id>/<any(up, down, remove):how>")
def editor_step_order(step_id: str, how: str):
    """Move a step up or down, or remove it."""
    draft, away = draft_or_home()
    if away:
        return away
    if ActionForm().validate_on_submit():
        change = {
            "up": (editing.move_step, -1),
            "down": (editing.move_step, 1),
            "remove": (editing.remove_step,),
        }[how]
        _try_save(draft.source, change[0], step_id, *change[1:], done=_DONE[how])
    return redirect(url_for("workspace.editor_home"))


_DONE = {
    "up": "Moved up.",
    "down": "Moved down.",
    "remove": "Removed.",
}


def _try_save(text: str, change, *args, done: str) -> bool:
    """Apply a change and save it; a refusal is flashed, nothing saved."""
    try:
        new = editing.edited(text, change, *args)
    except editing.EditError as exc:
        flash(exc.message, "error")
        return False
    except DefinitionError as exc:
        flash(f"Not changed: {plain(exc)}", "error")
        return False
    save(new, done)
    return True


@bp.route(EDITOR + "/source", methods=["GET", "POST"])
def editor_source():
    """The draft as TOML, for what the pages do not edit (scale points, bands, meta)."""
    draft = store.current_draft()
    form = SourceForm(data={"source": draft.source if draft else ""})
    if form.validate_on_submit():
        try:
            store.save_draft_text(form.source.data, current_user)
        except DefinitionError as exc:
            form.source.errors = [*form.source.errors, plain(exc)]
        else:
            db.session.commit()
            flash("The draft is saved.", "success")
            return redirect(url_for("workspace.editor_home"))
    status = 400 if form.errors else 200
    return render_template("workspace/editor/source.html", form=form), status


@bp.get(EDITOR + "/export/<any(draft, current):which>")
def editor_export(which: str):
    """Download the draft, or the version new prospects answer, as a TOML file."""
    if which == "draft":
        draft = store.current_draft()
        if draft is None:
            abort(404)
        text, version = draft.source, parsed(draft).version
    else:
        active = registry.active()
        text, version = active.source, active.version
    return Response(
        text,
        mimetype="application/toml",
        headers={
            "Content-Disposition": f'attachment; filename="questionnaire-{version}.toml"'
        },
    )


@bp.post(EDITOR + "/import")
def editor_import():
    """A TOML file becomes the draft, once the loader accepts it."""
    form = ActionForm()
    upload = request.files.get("file")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        flash("Choose a TOML file to import.", "error")
        return redirect(url_for("workspace.editor_home"))
    try:
        text = store.decode_upload(upload.read(store.MAX_IMPORT_BYTES + 1))
        store.save_draft_text(text, current_user)
    except DefinitionError as exc:
        db.session.rollback()
        flash(f"Not imported (the draft is unchanged): {plain(exc)}", "error")
        return redirect(url_for("workspace.editor_home"))
    db.session.commit()
    flash(f"Imported {upload.filename} as the draft.", "success")
    return redirect(url_for("workspace.editor_home"))


@bp.post(EDITOR + "/discard")
def editor_discard():
    """Throw the draft away (the versions published stay)."""
    if ActionForm().validate_on_submit():
        store.discard_draft()
        db.session.commit()
        flash("The draft was discarded.", "success")
    return redirect(url_for("workspace.editor_home"))


@bp.post(EDITOR + "/publish")
def editor_publish():
    """The draft becomes the version new prospects answer."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for("workspace.editor_check"))
    try:
        published = store.publish(current_user)
    except DefinitionError as exc:
        db.session.rollback()
        flash(f"Not published: {exc.problem}", "error")
        return redirect(url_for("workspace.editor_check"))
    audit.record("questionnaire_published", detail=f"version {published.version}")
    db.session.commit()
    flash(
        f"Version {published.version} is published: new prospects answer it; "
        "earlier submissions keep their own version.",
        "success",
    )
    return redirect(url_for("workspace.editor_home"))
