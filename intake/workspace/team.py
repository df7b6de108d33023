"""The practice's team: invitations by e-mail, roles, removing and restoring a member.

Owners manage settings, the team and deletions; consultants review, write notes and
make proposals. Roles are checked here, on the server, whatever the page shows.

An invitation only ever creates a new account: joining never touches an existing one
(active or removed), so an old or forgotten invitation cannot reset a member's password,
name or role, nor bring a removed member back. Removing a member voids their pending
invitations and cancels the team's e-mails still queued for them; only an owner lets a
removed member back in, with "Restore" on the team page (the account comes back as it
was: same role, same password, every earlier session still ended). An owner can resend
a pending invitation (a new link; the old one stops working) or cancel it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from ..extensions import db, rows_changed
from ..forms import ActionForm, Form, NewPasswordForm
from ..mail.links import public_url
from ..mail.outbox import queue_mail
from ..mail.recipients import cancel_team_mail_to
from ..models import ROLES, Consultant, TeamInvitation, utcnow
from ..practice_store import current_practice
from ..security import hash_token, new_private_token, normalise_identity
from . import audit
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
    return list(
        db.session.scalars(
            sa.select(Consultant).order_by(Consultant.active.desc(), Consultant.id)
        ).all()
    )


def _pending() -> Sequence[TeamInvitation]:
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
def team():
    """Who can sign in, with which role; pending invitations; invite someone."""
    return _page(InviteForm())


def _refusal(email: str) -> str | None:
    """Why this address cannot be invited: it has an account already."""
    existing = db.session.scalar(sa.select(Consultant).where(Consultant.email == email))
    if existing is None:
        return None
    if existing.active:
        return "This address already belongs to a member of the team."
    return (
        f"{existing.display_name} was removed from the team. To let them back in, "
        "use Restore next to their name above."
    )


def _void_pending(email: str) -> int:
    """Delete the address's invitations not yet used: their links stop working."""
    return rows_changed(
        # the session forgets them too: a new invitation may reuse an id (SQLite)
        sa.delete(TeamInvitation).where(
            TeamInvitation.email == email, TeamInvitation.used_at.is_(None)
        )
    )


def _send_invitation(email: str, role: str) -> None:
    """A new invitation (replacing any pending one for the address) and its e-mail."""
    _void_pending(email)
    token, token_hash = new_private_token()
    days = INVITATION_DAYS
    db.session.add(
        TeamInvitation(
            email=email,
            role=role,
            token_hash=token_hash,
            invited_by_id=current_user.id,
            expires_at=utcnow() + dt.timedelta(days=days),
        )
    )
    practice = current_practice()
    queue_mail(
        to=email,
        template="team_invite",
        subject=f"{current_user.display_name} invites you to the {practice.name} workspace",
        context={
            "inviter": current_user.display_name,
            "role": ROLES.get(role, role),
            "link": public_url("workspace.join", token=token),
            "days": days,
        },
        reply_to=current_user.email,
        private=True,
    )


@bp.post("/team/invite")
def invite():
    """Queue an invitation e-mail with a single-use, expiring link."""
    form = InviteForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    refusal = _refusal(form.email.data)
    if refusal:
        form.email.errors = [refusal]
        return _page(form, 422)
    _send_invitation(form.email.data, form.role.data)
    audit.record("invite", detail=f"{form.email.data} as {ROLES[form.role.data]}")
    db.session.commit()
    log.info("action=invite consultant=%s", current_user.id)
    flash(f"Invitation sent to {form.email.data}.", "success")
    return redirect(url_for(".team"))


def _pending_or_404(invitation_id: int) -> TeamInvitation:
    invitation = db.session.get(TeamInvitation, invitation_id)
    if invitation is None or invitation.used_at is not None:
        abort(404)
    return invitation


@bp.post("/team/invitations/<id:invitation_id>/resend")
def resend_invitation(invitation_id: int):
    """Send the invitation again with a new link and a new week; the old link dies."""
    invitation = _pending_or_404(invitation_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for(".team"))
    email, role = invitation.email, invitation.role
    refusal = _refusal(email)
    if refusal:
        _void_pending(email)
        db.session.commit()
        flash(refusal, "error")
        return redirect(url_for(".team"))
    _send_invitation(email, role)
    audit.record("resend_invitation", detail=email)
    db.session.commit()
    log.info("action=resend_invitation consultant=%s", current_user.id)
    flash(f"Invitation sent again to {email}.", "success")
    return redirect(url_for(".team"))


@bp.post("/team/invitations/<id:invitation_id>/cancel")
def cancel_invitation(invitation_id: int):
    """Cancel a pending invitation: its link stops working at once."""
    invitation = _pending_or_404(invitation_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for(".team"))
    email = invitation.email
    _void_pending(email)
    audit.record("cancel_invitation", detail=email)
    db.session.commit()
    log.info("action=cancel_invitation consultant=%s", current_user.id)
    flash(
        f"The invitation to {email} was cancelled; its link no longer works.", "success"
    )
    return redirect(url_for(".team"))


def _member_or_404(member_id: int) -> Consultant:
    member = db.session.get(Consultant, member_id)
    if member is None or not member.active:
        abort(404)
    return member


def _other_owners(member: Consultant) -> int:
    return db.session.execute(
        sa.select(sa.func.count())
        .select_from(Consultant)
        .where(
            Consultant.role == "owner",
            Consultant.active.is_(True),
            Consultant.id != member.id,
        )
    ).scalar_one()


@bp.post("/team/<id:member_id>/role")
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
    _void_pending(member.email)
    cancel_team_mail_to(member.email)
    audit.record("remove_member", detail=member.email)
    db.session.commit()
    log.info("action=remove_member consultant=%s member=%s", current_user.id, member_id)
    flash(f"{member.display_name} was removed and signed out.", "success")
    return redirect(url_for(".team"))


@bp.post("/team/<id:member_id>/restore")
def restore_member(member_id: int):
    """Let a removed member back in, as they were: same role, same password."""
    member = db.session.get(Consultant, member_id)
    if member is None or member.active:
        abort(404)
    if not ActionForm().validate_on_submit():
        return redirect(url_for(".team"))
    member.active = True
    audit.record("restore_member", detail=member.email)
    db.session.commit()
    log.info(
        "action=restore_member consultant=%s member=%s", current_user.id, member_id
    )
    flash(
        f"{member.display_name} is back on the team as {ROLES[member.role].lower()}. "
        "They sign in with their password, or choose a new one from the sign-in page.",
        "success",
    )
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
        rows_changed(
            sa.update(TeamInvitation)
            .where(TeamInvitation.id == invitation.id, TeamInvitation.used_at.is_(None))
            .values(used_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        == 1
    )


def _account_exists(email: str) -> bool:
    return (
        db.session.scalar(sa.select(Consultant.id).where(Consultant.email == email))
        is not None
    )


def _new_member(invitation: TeamInvitation, form: JoinForm) -> Consultant | None:
    """The account the invitation creates; None when the invitation was used first or
    the address got an account meanwhile (nothing is changed then)."""
    if not _claim(invitation):
        return None
    member = Consultant(
        email=invitation.email, name=form.name.data, role=invitation.role, active=True
    )
    member.set_password(form.password.data)
    db.session.add(member)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # another invitation to the address was used first
        return None
    _void_pending(invitation.email)  # other invitations to the address: no more use
    return member


def _join_refused(kind: str, email: str = ""):
    """The page instead of the form: the link is used up, or the address has an
    account already (then nothing was changed)."""
    status = 409 if kind == "exists" else 410
    return (
        render_template("workspace/join.html", form=None, problem=kind, email=email),
        status,
    )


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    """The invitee chooses their name and password; the link then stops working.

    An invitation to an address that already has an account (active or removed) is
    refused: joining never changes an existing account."""
    invitation = usable_invitation(token)
    if invitation is None:
        return _join_refused("used")
    email = invitation.email
    if _account_exists(email):
        return _join_refused("exists", email)
    form = JoinForm()
    if form.validate_on_submit():
        member = _new_member(invitation, form)
        if member is None:
            db.session.rollback()
            return _join_refused("exists" if _account_exists(email) else "used", email)
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
