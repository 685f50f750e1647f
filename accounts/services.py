"""Changes people make to accounts: their own, their team's, the officials'. Every function is
one transaction."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import policy
from portal.exceptions import DomainError

from .lock_objects import invitations_select_for_update, users_select_for_update
from .models import Invitation, TeamRole, User
from .notifications import portal_link
from .tokens import token_revoke
from .validators import validate_username_not_reserved

PROFILE_FIELDS = ("first_name", "last_name", "email", "phone", "language", "notify_by_email")


@transaction.atomic
def user_profile_update(
    *,
    user: User,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    language: str,
    notify_by_email: bool,
) -> User:
    """The person's own name, contact details, language (of the portal and of their messages)
    and whether their messages also go out by email."""
    locked = users_select_for_update().get(pk=user.pk)
    locked.first_name, locked.last_name = first_name.strip(), last_name.strip()
    locked.email, locked.phone = User.objects.normalize_email(email.strip()), phone.strip()
    locked.language, locked.notify_by_email = language, notify_by_email
    locked.full_clean(exclude=["password"], validate_unique=False)
    locked.save(update_fields=PROFILE_FIELDS)
    return locked


@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    """The language the person chose in the navbar: of the portal and of their messages."""
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("Choose one of the portal's languages."), field="language")
    locked = users_select_for_update().get(pk=user.pk)
    locked.language = language
    locked.save(update_fields=["language"])
    return locked


# Teams and official accounts -------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invite(*, actor: User, email: str, **anchor) -> tuple[Invitation, str]:
    """An invitation to ``email`` and the secret of its link (only its hash is stored), sent
    by email once committed."""
    email = User.objects.normalize_email((email or "").strip())
    if not email:
        raise DomainError(_("Give the email address of the person to invite."), field="email")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        token_hash=_token_hash(token),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        **anchor,
    )
    link = portal_link(reverse("accounts:invitation_accept", args=[token]))
    # Written in the inviter's language: the invitee has no language of their own yet.
    message = (
        _("%(name)s invites you to the innovation service complex portal")
        % {"name": actor.get_full_name() or actor.username},
        _("Open this link to create your account (valid for %(days)s days, once): %(link)s")
        % {"days": settings.INVITATION_VALID_DAYS, "link": link},
        settings.DEFAULT_FROM_EMAIL,
        [email],
    )
    transaction.on_commit(lambda: send_mail(*message, fail_silently=True))
    return invitation, token


@transaction.atomic
def team_invitation_create(*, actor: User, email: str, team_role: str) -> tuple[Invitation, str]:
    """The owner invites a colleague to their complex's or enterprise's team."""
    policy.require(actor, "team.manage")
    if team_role not in (TeamRole.MANAGER, TeamRole.STAFF):
        raise DomainError(_("Choose the colleague's role: manager or staff member."), field="role")
    return _invite(
        actor=actor,
        email=email,
        role=actor.role,
        team_role=team_role,
        complex=actor.complex,
        enterprise=actor.enterprise,
    )


@transaction.atomic
def official_invitation_create(*, actor: User, email: str, region) -> tuple[Invitation, str]:
    """The province appoints an official: of the province (the province's own region) or of
    a city or county, who then sees that region's subtree."""
    policy.require(actor, "official.manage")
    if region is None:
        raise DomainError(_("Choose the official's region."), field="region")
    return _invite(actor=actor, email=email, **User.objects.official_anchor(region))


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a link opens while it may still be used (None: unknown, used, expired)."""
    return Invitation.objects.pending().filter(token_hash=_token_hash(token)).first()


@transaction.atomic
def invitation_accept(
    *, token: str, username: str, password: str, first_name: str = "", last_name: str = ""
) -> User:
    """Open the invited account; the link is spent (a second use is refused)."""
    invitation = invitations_select_for_update().filter(token_hash=_token_hash(token)).first()
    if invitation is None or invitation.accepted_at is not None:
        raise DomainError(_("This invitation has been used already or does not exist."))
    if invitation.expires_at <= timezone.now():
        raise DomainError(_("This invitation has expired: ask for a new one."))
    try:
        validate_username_not_reserved(username)
    except ValidationError as error:
        raise ValidationError({"username": error.messages}) from None
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("This user name is taken: choose another."), field="username")
    user = invitation.new_user(
        username=username, first_name=first_name.strip(), last_name=last_name.strip()
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


def _colleague(actor: User, member: User) -> User:
    """``member`` locked, if they are the actor's colleague other than the actor; 404 else."""
    policy.require(actor, "team.manage")
    locked = users_select_for_update().filter(pk=member.pk).first()
    if locked is None or not User.objects.team_of(actor).filter(pk=locked.pk).exists():
        raise Http404
    if locked.team_role == TeamRole.OWNER:  # the actor themselves, or a second owner
        raise DomainError(_("The owner's role and account are not managed here."))
    return locked


@transaction.atomic
def team_member_role_set(*, actor: User, member: User, team_role: str) -> User:
    """The owner makes a colleague a manager or a staff member (the owner stays the owner)."""
    locked = _colleague(actor, member)
    if team_role not in (TeamRole.MANAGER, TeamRole.STAFF):
        raise DomainError(_("Choose the colleague's role: manager or staff member."), field="role")
    locked.team_role = team_role
    locked.save(update_fields=["team_role"])
    return locked


@transaction.atomic
def team_member_remove(*, actor: User, member: User) -> User:
    """The colleague can no longer sign in; what they did stays recorded under their name."""
    locked = _colleague(actor, member)
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    token_revoke(user=locked)
    return locked


@transaction.atomic
def official_active_set(*, actor: User, official: User, active: bool) -> User:
    """The province deactivates (or reactivates) an official's account."""
    policy.require(actor, "official.manage")
    locked = users_select_for_update().filter(pk=official.pk).first()
    if locked is None or not User.objects.officials().filter(pk=locked.pk).exists():
        raise Http404
    if locked.pk == actor.pk:
        raise DomainError(_("You cannot deactivate your own account."))
    locked.is_active = active
    locked.save(update_fields=["is_active"])
    if not active:
        token_revoke(user=locked)
    return locked
