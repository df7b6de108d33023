"""The editor's pages for a step, a question and a rule, the preview and the check
before publishing (see editor.py). Buttons that add, remove or move a row of a form
(a choice, a condition) show the page again with the change and everything typed,
not saved until Save."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from .. import registry
from ..editor import store
from ..forms import ActionForm
from ..practice_store import current_practice
from ..prospect.markup import question_items
from ..questionnaire import editing
from ..questionnaire.errors import DefinitionError
from ..questionnaire.schema import CHOICE_TYPES
from .editor import EDITOR, _try_save, draft_or_home, parsed, save
from .editor_forms import (
    _RULE_KEYS,
    QuestionForm,
    RuleForm,
    SamplesForm,
    StepForm,
    place_error,
    plain,
    question_fields,
    question_form_data,
    rule_fields,
    rule_form_data,
)
from .views import bp

ROW_ACTION = re.compile(r"^(add|remove|up|down)(?:-(all|any|choices))?(?:-(\d{1,2}))?$")


# ---- a step ----------------------------------------------------------------------


@bp.route(EDITOR + "/steps/<step_id>", methods=["GET", "POST"])
def editor_step(step_id: str):
    """A step's heading and its questions, each with Edit, Up, Down and Remove."""
    draft, away = draft_or_home()
    if away:
        return away
    data = editing.load(draft.source)
    try:
        step = data["steps"][editing.step_index(data, step_id)]
    except editing.EditError:
        abort(404)
    form = StepForm(
        data={
            "step_id": step["id"],
            "title": step.get("title", ""),
            "intro": step.get("intro", ""),
        }
    )
    if form.validate_on_submit():
        try:
            text = editing.edited(
                draft.source,
                editing.set_step,
                step_id,
                form.step_id.data,
                form.title.data,
                form.intro.data or "",
            )
        except DefinitionError as exc:
            form.title.errors = [*form.title.errors, plain(exc)]
        else:
            save(text, "The step is saved.")
            return redirect(url_for("workspace.editor_step", step_id=form.step_id.data))
    return render_template(
        "workspace/editor/step.html",
        form=form,
        step=step,
        number=editing.step_index(data, step_id) + 1,
        action=ActionForm(),
    ), (400 if form.errors else 200)


@bp.post(EDITOR + "/steps/<step_id>/questions")
def editor_add_question(step_id: str):
    """A new short-text question at the end of the step."""
    draft, away = draft_or_home()
    if away:
        return away
    if not ActionForm().validate_on_submit():
        return redirect(url_for("workspace.editor_step", step_id=step_id))
    data = editing.load(draft.source)
    try:
        question_id = editing.add_question(data, step_id)
    except editing.EditError:
        abort(404)
    save(editing.dump(data), "A question was added at the end of the step.")
    return redirect(url_for("workspace.editor_question", question_id=question_id))


@bp.post(EDITOR + "/questions/<question_id>/<any(up, down, remove):how>")
def editor_question_order(question_id: str, how: str):
    """Move a question up or down within its step, or remove it."""
    draft, away = draft_or_home()
    if away:
        return away
    data = editing.load(draft.source)
    try:
        step, _ = editing.find_question(data, question_id)
    except editing.EditError:
        abort(404)
    if ActionForm().validate_on_submit():
        change = {
            "up": (editing.move_question, -1),
            "down": (editing.move_question, 1),
            "remove": (editing.remove_question,),
        }[how]
        _try_save(
            draft.source,
            change[0],
            question_id,
            *change[1:],
            done=f"{how.title()}: done.",
        )
    return redirect(url_for("workspace.editor_step", step_id=step["id"]))


# ---- a question ------------------------------------------------------------------


def _earlier_choice_questions(questionnaire, question_id: str) -> list[tuple[str, str]]:
    out = []
    for q in questionnaire.questions:
        if q.id == question_id:
            break
        if q.type in CHOICE_TYPES:
            out.append(SelectChoice(q.id, f"{q.id}: {q.label[:60]}"))
    return out


def _rows_changed(form, rows_of: str, action: str, blank: dict):
    """Apply a row button (add, remove-N, up-N, down-N) to a copy of the form's data."""
    match = ROW_ACTION.match(action)
    if not match:
        return None
    verb, which, index = match.group(1), match.group(2) or rows_of, match.group(3)
    data = form.data
    rows = list(data[which])
    i = int(index) if index is not None else None
    if verb == "add":
        rows.append(dict(blank))
    elif i is not None and i < len(rows):
        if verb == "remove":
            del rows[i]
        else:
            j = i - 1 if verb == "up" else i + 1
            if 0 <= j < len(rows):
                rows[i], rows[j] = rows[j], rows[i]
    data[which] = rows
    data.pop("csrf_token", None)
    return data


def _row_button(form, rows_of: str, action: str, blank: dict) -> dict:
    """The form's data after a row button; 400 for a forged post or an unknown button."""
    form.validate_on_submit()
    changed = _rows_changed(form, rows_of, action, blank)
    if "csrf_token" in form.errors or changed is None:
        abort(400)
    return changed


@bp.route(EDITOR + "/questions/<question_id>", methods=["GET", "POST"])
def editor_question(question_id: str):
    """A question: its words, kind of answer, when it shows, its choices and points."""
    draft, away = draft_or_home()
    if away:
        return away
    data = editing.load(draft.source)
    try:
        step, index = editing.find_question(data, question_id)
    except editing.EditError:
        abort(404)
    earlier = _earlier_choice_questions(parsed(draft), question_id)
    if request.method == "GET":
        form = QuestionForm(
            formdata=None, data=question_form_data(step["questions"][index])
        )
        return _question_page(form, step, question_id, earlier)
    form = QuestionForm()
    form.show_if_question.choices = [SelectChoice("", "Always show it"), *earlier]
    action = request.form.get("action", "save")
    if action != "save":
        changed = _row_button(form, "choices", action, {"was": ""})
        form = QuestionForm(formdata=None, data=changed)
        flash("Not saved yet: press Save to keep the change.")
        return _question_page(form, step, question_id, earlier)
    if form.validate_on_submit():
        try:
            text = editing.edited(
                draft.source, editing.set_question, question_id, question_fields(form)
            )
        except DefinitionError as exc:
            if not place_error(form, exc, here=f"question '{form.question_id.data}'"):
                form.form_errors.append(plain(exc))
        else:
            save(text, "The question is saved.")
            return redirect(
                url_for("workspace.editor_question", question_id=form.question_id.data)
            )
    return _question_page(form, step, question_id, earlier, status=400)


def _question_page(form, step, question_id, earlier, status=200):
    form.show_if_question.choices = [SelectChoice("", "Always show it"), *earlier]
    if form.type.data in ("single", "multi"):
        while len(form.choices) < 2:
            form.choices.append_entry({"was": ""})
    return render_template(
        "workspace/editor/question.html",
        form=form,
        step=step,
        question_id=question_id,
        action=ActionForm(),
    ), status


# ---- rules -----------------------------------------------------------------------


@bp.post(EDITOR + "/rules")
def editor_add_rule():
    """A new rule about the first choice question, to be described and scored."""
    draft, away = draft_or_home()
    if away:
        return away
    if not ActionForm().validate_on_submit():
        return redirect(url_for("workspace.editor_home"))
    questionnaire = parsed(draft)
    first = next((q for q in questionnaire.questions if q.is_choice), None)
    if first is None:
        flash("A rule needs a question with choices first.", "error")
        return redirect(url_for("workspace.editor_home"))
    data = editing.load(draft.source)
    rule_id = editing.add_rule(data, first.id, first.choices[0].value)
    text = editing.dump(data)
    try:
        editing.check(text)
    except DefinitionError as exc:
        flash(f"Not added: {plain(exc)}", "error")
        return redirect(url_for("workspace.editor_home"))
    save(text, "A rule was added: describe it, choose its conditions and points.")
    return redirect(url_for("workspace.editor_rule", rule_id=rule_id))


@bp.post(EDITOR + "/rules/<rule_id>/remove")
def editor_remove_rule(rule_id: str):
    draft, away = draft_or_home()
    if away:
        return away
    if ActionForm().validate_on_submit():
        _try_save(
            draft.source, editing.remove_rule, rule_id, done="The rule was removed."
        )
    return redirect(url_for("workspace.editor_home"))


@bp.route(EDITOR + "/rules/<rule_id>", methods=["GET", "POST"])
def editor_rule(rule_id: str):
    """A rule: its words, its conditions (all of / at least n of), points and flag."""
    draft, away = draft_or_home()
    if away:
        return away
    data = editing.load(draft.source)
    try:
        rule = data["rules"][editing.rule_index(data, rule_id)]
    except (editing.EditError, KeyError):
        abort(404)
    choices = [SelectChoice(q.id, q.id) for q in parsed(draft).questions if q.is_choice]
    if request.method == "GET":
        return _rule_page(RuleForm(formdata=None, data=rule_form_data(rule)), choices)
    form = RuleForm()
    action = request.form.get("action", "save")
    if action != "save":
        changed = _row_button(form, "all", action, {"question": "", "values": ""})
        flash("Not saved yet: press Save to keep the change.")
        return _rule_page(RuleForm(formdata=None, data=changed), choices)
    if form.validate_on_submit():
        try:
            text = editing.edited(
                draft.source, editing.set_rule, rule_id, rule_fields(form)
            )
        except DefinitionError as exc:
            if not place_error(
                form, exc, here=f"rule '{form.rule_id.data}'", keys=_RULE_KEYS
            ):
                form.form_errors.append(plain(exc))
        else:
            save(text, "The rule is saved.")
            return redirect(url_for("workspace.editor_rule", rule_id=form.rule_id.data))
    return _rule_page(form, choices, status=400)


def _rule_page(form, choices, status=200):
    for row in [*form.all, *form.any]:
        row.question.choices = choices
    return render_template(
        "workspace/editor/rule.html", form=form, action=ActionForm()
    ), status


# ---- preview ---------------------------------------------------------------------


@bp.route(EDITOR + "/preview/<id:number>", methods=["GET", "POST"])
def editor_preview(number: int):
    """A step of the draft as the prospect sees it; its buttons only turn the pages."""
    draft, away = draft_or_home()
    if away:
        return away
    practice = current_practice()
    questionnaire = parsed(draft).localised(
        practice.questionnaire_words, practice.currency
    )
    total = len(questionnaire.steps)
    if not 1 <= number <= total:
        abort(404)
    if request.method == "POST":
        back = request.form.get("nav") == "back"
        target = max(1, number - 1) if back else min(total, number + 1)
        return redirect(url_for("workspace.editor_preview", number=target))
    step = questionnaire.steps[number - 1]
    questions = question_items(questionnaire, step, {}, {})
    return render_template(
        "prospect/step.html",
        shown=" ".join(q["q"].id for q in questions if q["visible"]),
        questionnaire=questionnaire,
        step=step,
        number=number,
        total=total,
        percent=round(100 * (number - 1) / total),
        questions=questions,
        errors=[],
        form=None,
        then="",
        resume_url="",
        draft_email="",
        notice=f"Preview of the draft {questionnaire.version}: nothing you enter is kept.",
        preview_action=url_for("workspace.editor_preview", number=number),
        preview_back=url_for("workspace.editor_home"),
    )


# ---- before publishing -----------------------------------------------------------


@bp.get(EDITOR + "/check")
def editor_check():
    """The sample prospects under the current version and the draft, the re-score's
    dry run as if the draft were active, and Publish."""
    draft, away = draft_or_home()
    if away:
        return away
    form = SamplesForm(request.args, meta={"csrf": False})
    numbers = form.submission_numbers() if form.validate() else []
    questionnaire = parsed(draft)
    return render_template(
        "workspace/editor/check.html",
        form=form,
        draft=draft,
        questionnaire=questionnaire,
        active=registry.active(),
        moves=store.sample_moves(questionnaire, numbers),
        report=store.dry_run_report(questionnaire, current_practice()),
        problem=store.publish_problem(questionnaire),
        action=ActionForm(),
    )
