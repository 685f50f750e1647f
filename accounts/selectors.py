"""Reads of the accounts app, taking the user who reads."""

from django.db.models import QuerySet

from portal import policy

from .models import Invitation, User


def team_members(user: User) -> QuerySet[User]:
    """The people of the user's team, owner first, then by name."""
    if not policy.can(user, "team.view"):
        return User.objects.none()
    return User.objects.team_of(user).order_by("-is_active", "team_role", "username")


def team_invitations(user: User) -> QuerySet[Invitation]:
    """The invitations to the user's team not yet accepted (expired ones too: say so)."""
    if not policy.can(user, "team.view"):
        return Invitation.objects.none()
    return Invitation.objects.filter(
        accepted_at__isnull=True,
        role=user.role,
        complex_id=user.complex_id,
        enterprise_id=user.enterprise_id,
    ).select_related("invited_by")


def officials(user: User) -> QuerySet[User]:
    if not policy.can(user, "official.manage"):
        return User.objects.none()
    return User.objects.officials().select_related("region").order_by("-is_active", "username")


def official_invitations(user: User) -> QuerySet[Invitation]:
    if not policy.can(user, "official.manage"):
        return Invitation.objects.none()
    return Invitation.objects.filter(
        accepted_at__isnull=True, complex__isnull=True, enterprise__isnull=True
    ).select_related("region", "invited_by")
