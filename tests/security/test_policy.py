"""The one policy's mechanism: one rule for querysets, single objects, superusers and staff."""

import pytest

from portal import policy
from tests import factories

from .world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def jinhua_city():
    return factories.regional_official("330700")


@pytest.fixture
def superuser():
    return factories.UserFactory(is_superuser=True, is_staff=True)


# The mechanism --------------------------------------------------------------------------------


def test_can_on_an_object_agrees_with_in_scope_for_every_action_role_and_object():
    """``can(user, action, obj)`` reads the object in Python; ``in_scope(user, action)`` asks the
    database: the same rule, so they must agree everywhere."""
    users, side_a, side_b = build_world()
    objects = [
        obj
        for side in (side_a, side_b)
        for obj in side.values()
        if hasattr(type(obj)._default_manager.get_queryset(), "in_scope")
    ]
    disagreements = []
    for action in policy.rules():
        for role, user in users.items():
            for obj in objects:
                in_scope = (
                    type(obj)._default_manager.filter(pk=obj.pk).in_scope(user, action).exists()
                )
                if policy.can(user, action, obj) != in_scope:
                    disagreements.append((action, role, type(obj).__name__, obj.pk))
    assert disagreements == []


def test_superusers_act_as_provincial_officials_and_staff_as_nobody():
    staff = factories.UserFactory(is_staff=True)
    superuser = factories.UserFactory(is_superuser=True)
    province = factories.provincial_official()
    for action in policy.rules():
        assert policy.can(superuser, action) == policy.can(province, action), action
        assert not policy.can(staff, action), action


def test_inactive_and_anonymous_users_may_do_nothing():
    from django.contrib.auth.models import AnonymousUser

    inactive = factories.provincial_official(is_active=False)
    for action in policy.rules():
        assert not policy.can(inactive, action)
        assert not policy.can(AnonymousUser(), action)
        assert not policy.can(None, action)


def test_an_unknown_action_is_an_error_not_a_refusal():
    with pytest.raises(LookupError):
        policy.can(factories.provincial_official(), "complex.paint")


def test_the_documented_table_is_the_policy():
    """docs/PERMISSIONS.md shows the table the code applies (regenerate it with
    ``accounts.policy.permissions_markdown()`` when a rule changes)."""
    from pathlib import Path

    from accounts.policy import permissions_markdown

    doc = (Path(__file__).resolve().parents[2] / "docs" / "PERMISSIONS.md").read_text()
    documented = doc[doc.index("| action |") :]
    assert documented == permissions_markdown()
