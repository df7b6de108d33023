"""The practice's team: invitations by e-mail, roles, removing a member.

Owners manage settings, the team and deletions; consultants review, write notes and
make proposals. Roles are checked here, on the server, whatever the page shows.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from ..extensions import db
from ..forms import ActionForm, Form, NewPasswordForm
from ..mail.links import public_url
from ..mail.outbox import queue_mail
from ..models import ROLES, Consultant, TeamInvitation, utcnow
from ..practice_store import current_practice
from ..security import hash_token, normalise_identity
from . import audit
from .roles import owner_required
from .views import bp

log = logging.getLogger(__name__)

INVITATION_DAYS = 7
_ROLE_CHOICES = [SelectChoice(key, label) for key, label in ROLES.items()]


class InviteForm(Form):
    email = EmailField(
        "E-mail address",
        validators=[
            DataRequired("Please give the e-mail address."),
            Length(max=254),
            Regexp(
                r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                message="Please give an e-mail address like name@example.com.",
            ),
        ],
        filters=[lambda v: normalise_identity(v) if isinstance(v, str) else v],
    )
    role = SelectField("Role", choices=_ROLE_CHOICES, default="consultant")


class RoleForm(Form):
    role = SelectField("Role", choices=_ROLE_CHOICES)


class JoinForm(NewPasswordForm):
    name = StringField(
        "Your name",
        validators=[DataRequired("Please give your name."), Length(max=120)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )


def _members() -> list[Consultant]:
    return db.session.scalars(
        sa.select(Consultant).order_by(Consultant.active.desc(), Consultant.id)
    ).all()


def _pending() -> list[TeamInvitation]:
    return db.session.scalars(
        sa.select(TeamInvitation)
        .where(TeamInvitation.used_at.is_(None), TeamInvitation.expires_at > utcnow())
        .order_by(TeamInvitation.created_at.desc())
    ).all()


def _page(form: InviteForm, status: int = 200):
    return (
        render_template(
            "workspace/team.html",
            members=_members(),
            pending=_pending(),
            form=form,
            roles=ROLES,
            action_form=ActionForm(),
        ),
        status,
    )


@bp.get("/team")
@login_required
@owner_required
def team():
    """Who can sign in, with which role; pending invitations; invite someone."""
    return _page(InviteForm())


@bp.post("/team/invite")
@login_required
@owner_required
def invite():
    """Queue an invitation e-mail with a single-use, expiring link."""
    form = InviteForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    existing = db.session.scalar(
        sa.select(Consultant).where(Consultant.email == form.email.data)
    )
    if existing is not None and existing.active:
        form.email.errors = ["This address already belongs to a member of the team."]
        return _page(form, 422)
    token = secrets.token_urlsafe(32)
    days = INVITATION_DAYS
    db.session.add(
        TeamInvitation(
            email=form.email.data,
            role=form.role.data,
            token_hash=hash_token(token),
            invited_by_id=current_user.id,
            expires_at=utcnow() + dt.timedelta(days=days),
        )
    )
    practice = current_practice()
    queue_mail(
        to=form.email.data,
        template="team_invite",
        subject=f"{current_user.display_name} invites you to the {practice.name} workspace",
        context={
            "inviter": current_user.display_name,
            "role": ROLES[form.role.data],
            "link": public_url("workspace.join", token=token),
            "days": days,
        },
        reply_to=current_user.email,
        private=True,
    )
    audit.record("invite", detail=f"{form.email.data} as {ROLES[form.role.data]}")
    db.session.commit()
    log.info("action=invite consultant=%s", current_user.id)
    flash(f"Invitation sent to {form.email.data}.", "success")
    return redirect(url_for(".team"))


def _member_or_404(member_id: int) -> Consultant:
    member = db.session.get(Consultant, member_id)
    if member is None or not member.active:
        abort(404)
    return member


def _other_owners(member: Consultant) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Consultant)
        .where(
            Consultant.role == "owner",
            Consultant.active.is_(True),
            Consultant.id != member.id,
        )
    )


@bp.post("/team/<id:member_id>/role")
@login_required
@owner_required
def change_role(member_id: int):
    """Make a member an owner or a consultant; the team keeps at least one owner."""
    member = _member_or_404(member_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash("Please choose one of the roles listed.", "error")
    elif form.role.data != "owner" and member.is_owner and not _other_owners(member):
        flash("The team needs at least one owner.", "error")
    elif form.role.data != member.role:
        member.role = form.role.data
        audit.record("role", detail=f"{member.email}: {ROLES[member.role]}")
        db.session.commit()
        flash(f"{member.display_name} is now {ROLES[member.role].lower()}.", "success")
    return redirect(url_for(".team"))


@bp.post("/team/<id:member_id>/remove")
@login_required
@owner_required
def remove_member(member_id: int):
    """Remove a member: the account is disabled and every session of it ends at once.

    The row stays, so that their name remains on notes and history.
    """
    member = _member_or_404(member_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for(".team"))
    if member.id == current_user.id:
        flash("You cannot remove yourself.", "error")
        return redirect(url_for(".team"))
    member.active = False
    member.session_generation = Consultant.session_generation + 1
    member.device_generation = Consultant.device_generation + 1
    audit.record("remove_member", detail=member.email)
    db.session.commit()
    log.info("action=remove_member consultant=%s member=%s", current_user.id, member_id)
    flash(f"{member.display_name} was removed and signed out.", "success")
    return redirect(url_for(".team"))


def usable_invitation(token: str) -> TeamInvitation | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        sa.select(TeamInvitation).where(
            TeamInvitation.token_hash == hash_token(token),
            TeamInvitation.used_at.is_(None),
            TeamInvitation.expires_at > utcnow(),
        )
    )


def _claim(invitation: TeamInvitation) -> bool:
    """Mark the invitation used, once: False when another request used it first."""
    return (
        db.session.execute(
            sa.update(TeamInvitation)
            .where(TeamInvitation.id == invitation.id, TeamInvitation.used_at.is_(None))
            .values(used_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def _account_for(invitation: TeamInvitation, form: JoinForm) -> Consultant:
    member = db.session.scalar(
        sa.select(Consultant).where(Consultant.email == invitation.email)
    )
    if member is None:
        member = Consultant(email=invitation.email)
        db.session.add(member)
    member.name = form.name.data
    member.role = invitation.role
    member.active = True
    member.set_password(form.password.data)
    return member


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    """The invitee chooses their name and password; the link then stops working."""
    invitation = usable_invitation(token)
    if invitation is None:
        return render_template("workspace/join.html", form=None), 410
    form = JoinForm()
    if form.validate_on_submit():
        if not _claim(invitation):
            db.session.rollback()
            return render_template("workspace/join.html", form=None), 410
        member = _account_for(invitation, form)
        db.session.flush()
        audit.record("join", user=member, detail=ROLES[member.role])
        db.session.commit()
        log.info("action=join consultant=%s", member.id)
        flash("Welcome to the team. Please sign in.", "success")
        return redirect(url_for(".login"))
    status = 422 if form.errors else 200
    return (
        render_template("workspace/join.html", form=form, invitation=invitation),
        status,
    )
