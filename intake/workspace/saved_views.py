"""Saved views: a member's named filter and sort of the list, in the navigation."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlencode

import sqlalchemy as sa
from flask import abort, flash, has_request_context, redirect, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from ..cache import Cache
from ..extensions import db
from ..forms import ActionForm, Form
from ..models import Consultant, SavedView
from . import listing
from .views import bp

log = logging.getLogger(__name__)

MAX_VIEWS = 30


class SaveViewForm(Form):
    name = StringField(
        "Name this view",
        validators=[
            DataRequired("Please give the view a name."),
            Length(max=80, message="Please use at most 80 characters."),
        ],
        filters=[lambda v: " ".join(v.split()) if isinstance(v, str) else v],
    )
    query = HiddenField()


def canonical_query(raw: str) -> str:
    """The list's filters and sort from a query string, each value checked; no page."""
    filters = listing.filters_from(MultiDict(parse_qsl(raw[:2000])))
    args = listing.ListLinks(filters)._args()
    args.pop("page", None)
    return urlencode(args)


# each member's views by (id, views_version): the number is read with the signed-in
# consultant (no statement of its own), and a change of the views on any host changes
# it in the same transaction, so a kept list is never served once it is stale
views_cache = Cache("saved_views", cleared_by=(SavedView,), maxsize=1000)


def views_of_current_user() -> tuple[sa.Row, ...]:
    """The signed-in member's views (id, name, query), by name."""
    if not current_user.is_authenticated:
        return ()
    user_id, version = current_user.id, current_user.views_version
    return views_cache.get((user_id, version), lambda: _views_of(user_id))


def _views_of(user_id: int) -> tuple[sa.Row, ...]:
    return tuple(
        db.session.execute(
            sa.select(SavedView.id, SavedView.name, SavedView.query)
            .where(SavedView.consultant_id == user_id)
            .order_by(SavedView.name)
        ).all()
    )


def _views_changed() -> None:
    """In the transaction that changes a view: the number every host keeps them by."""
    current_user.views_version = Consultant.views_version + 1


@bp.app_context_processor
def saved_views_for_the_templates() -> dict[str, list[dict]]:
    """The navigation's and the list's saved views, handed to the workspace's templates
    as data (a template queries nothing): for the workspace's pages only, kept per
    process by the member's views_version (no query once kept)."""
    if not has_request_context() or request.blueprint != bp.name:
        return {}
    return {"saved_views": saved_views()}


def saved_views() -> list[dict]:
    """For the navigation and the list: each view's name and link."""
    return [
        {
            "id": v.id,
            "name": v.name,
            "url": url_for("workspace.dashboard") + (f"?{v.query}" if v.query else ""),
            "query": v.query,
        }
        for v in views_of_current_user()
    ]


@bp.post("/views")
def save_view():
    """Save the list's current filter and sort under a name (the same name replaces it)."""
    form = SaveViewForm()
    query = canonical_query(form.query.data or "")
    back = url_for(".dashboard") + (f"?{query}" if query else "")
    if not form.validate_on_submit():
        errors = form.name.errors or ["The view was not saved."]
        flash(errors[0], "error")
        return redirect(back)
    mine = SavedView.consultant_id == current_user.id
    view = db.session.scalar(
        sa.select(SavedView).where(mine, SavedView.name == form.name.data)
    )
    if view is None:
        count = db.session.scalar(
            sa.select(sa.func.count()).select_from(SavedView).where(mine)
        )
        if count >= MAX_VIEWS:
            flash(f"You can keep {MAX_VIEWS} views; please delete one first.", "error")
            return redirect(back)
        view = SavedView(consultant_id=current_user.id, name=form.name.data)
        db.session.add(view)
    view.query = query
    _views_changed()
    db.session.commit()
    log.info("action=save_view consultant=%s", current_user.id)
    flash(f"Saved the view “{view.name}”.", "success")
    return redirect(back)


@bp.post("/views/<id:view_id>/delete")
def delete_view(view_id: int):
    """Delete one of your own views (someone else's is not found)."""
    view = db.session.get(SavedView, view_id)
    if view is None or view.consultant_id != current_user.id:
        abort(404)
    if ActionForm().validate_on_submit():
        db.session.delete(view)
        _views_changed()
        db.session.commit()
        flash(f"Deleted the view “{view.name}”.", "success")
    return redirect(url_for(".dashboard"))
