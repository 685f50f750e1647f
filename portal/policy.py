"""The one place that decides who may do what: a table of action × role → scope.

The table itself is the project's (``accounts/policy.py``, registered in its AppConfig.ready());
this module is the mechanism every page, endpoint, export and service asks:

- ``can(user, action)``: may the user's role do this action at all (menus, list pages);
- ``can(user, action, obj)``: may the user do it to this object (its scope holds the object);
- ``restrict(queryset, user, action)``: the rows of a ``ScopedQuerySet`` the user may act on,
  which ``ScopedQuerySet.in_scope(user, action)`` calls;
- ``require(user, action, obj)``: ``can`` for services, raising ``NotPermitted`` (HTTP 403);
  ``page_requires`` the same for page views, raising ``PermissionDenied``.

A scope says which rows of a role the action reaches: every row, the rows of the user's region
and everything under it (GB/T 2260 code prefix), the rows of the user's own complex or of the
user's own enterprise, the rows of an expert's own assignments. Querysets name how their rows
reach these anchors (``scope_region``, ``scope_complex``, ``scope_enterprise``,
``scope_expert``: a lookup to the expert's account id); a row with no such anchor is reached by no scope but
``ALL``.

Teams: the people of a complex or an enterprise share its role, and their team role (owner,
manager, staff member) narrows it. ``TEAM_LIMITS`` names, for some actions, the team roles that
keep them; an action not named there is the whole team's.

The superuser rule: an active superuser is a provincial official everywhere in the portal,
whatever role their account has. Anonymous and inactive users may do nothing here; public pages
do not ask the policy.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from portal.exceptions import NotPermitted

ALL = "all"
SUBTREE = "subtree"
OWN_COMPLEX = "own_complex"
OWN_ENTERPRISE = "own_enterprise"
# An expert's own assignments: the complexes and years the province assigned them to review.
OWN_ASSIGNMENTS = "own_assignments"
SCOPES = (ALL, SUBTREE, OWN_COMPLEX, OWN_ENTERPRISE, OWN_ASSIGNMENTS)

# The role a superuser acts as (accounts.models.Role.PROVINCIAL_OFFICIAL's value).
SUPERUSER_ACTS_AS = "provincial_official"

_rules: dict[str, dict[str, str]] = {}
_team_limits: dict[str, frozenset[str]] = {}
_team_roles: set[str] = set()


def subtree_prefix(region_code: str) -> str:
    """The code prefix shared by a region and everything under it (GB/T 2260).

    330000 (province) → "33", 330700 (city) → "3307", 330784 (county) → "330784".
    """
    code = region_code
    while code.endswith("00"):
        code = code[:-2]
    return code


def register(rules: dict[str, dict[str, str]]) -> None:
    """Add an app's rules: ``{action: {role: scope}}``. An action is registered once."""
    for action, scopes in rules.items():
        if action in _rules:
            raise ValueError(f"The policy already has a rule for {action!r}.")
        unknown = set(scopes.values()) - set(SCOPES)
        if unknown:
            raise ValueError(f"Unknown scope {sorted(unknown)} in the rule for {action!r}.")
        _rules[action] = dict(scopes)


def register_team_limits(limits: dict[str, set[str]], *, roles: set[str]) -> None:
    """Narrow the ``roles`` that have teams: ``{action: the team roles that may do it}``."""
    for action in limits:
        if action not in _rules:
            raise ValueError(f"The policy has no rule for {action!r} to narrow.")
    _team_limits.update({action: frozenset(team) for action, team in limits.items()})
    _team_roles.update(roles)


def team_limits() -> dict[str, frozenset[str]]:
    """The narrowing by team role, for the documentation."""
    return dict(sorted(_team_limits.items()))


def rules() -> dict[str, dict[str, str]]:
    """The whole table, for the documentation and its test."""
    return {action: dict(scopes) for action, scopes in sorted(_rules.items())}


def acting_role(user) -> str | None:
    """The role the policy applies to ``user``; None for anonymous and inactive users."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return SUPERUSER_ACTS_AS
    return user.role


def audience(user) -> str:
    """Everything the policy decides on about ``user``: two users of the same audience may do
    the same actions on the same rows, so a page that shows nothing of its reader but what the
    policy lets them see and do is the same for both (``portal.page_cache``)."""
    role = acting_role(user)
    if role is None:
        return "anonymous"
    return f"{role}:{user.team_role}:{user.region_id}:{user.complex_id}:{user.enterprise_id}"


def scope_of(user, action: str) -> str | None:
    """The scope in which ``user`` may do ``action``, or None if their role may not."""
    try:
        scopes = _rules[action]
    except KeyError:
        raise LookupError(f"The policy has no rule for {action!r}.") from None
    role = acting_role(user)
    scope = scopes.get(role) if role else None
    limited = role in _team_roles and action in _team_limits
    if limited and user.team_role not in _team_limits[action]:
        return None
    # A scope bound to an anchor the account lacks reaches nothing.
    anchor = {SUBTREE: "region_id", OWN_COMPLEX: "complex_id", OWN_ENTERPRISE: "enterprise_id"}
    if scope in anchor and not getattr(user, anchor[scope], None):
        return None
    return scope


def scope_condition(queryset: models.QuerySet, user, action: str = "view") -> models.Q | None:
    """The condition on the rows of ``queryset`` on which ``user`` may do ``action``: ``Q()``
    for every row, ``None`` for none."""
    scope = scope_of(user, action)
    if scope == ALL:
        return models.Q()
    lookup = getattr(queryset, _ANCHOR_LOOKUPS.get(scope, ""), None)
    if lookup is None:
        return None
    if scope == SUBTREE:
        return models.Q(**{f"{lookup}__startswith": subtree_prefix(user.region_id)})
    return models.Q(**{lookup: _USER_ANCHORS[scope](user)})


def restrict(queryset: models.QuerySet, user, action: str = "view") -> models.QuerySet:
    """The rows of ``queryset`` on which ``user`` may do ``action``."""
    condition = scope_condition(queryset, user, action)
    return queryset.none() if condition is None else queryset.filter(condition)


def can(user, action: str, obj: models.Model | None = None) -> bool:
    """Whether ``user`` may do ``action`` (to ``obj`` when given), by the same rule as
    ``restrict``; reads the object's loaded relations rather than querying when it can."""
    scope = scope_of(user, action)
    if scope is None:
        return False
    if obj is None or scope == ALL:
        return True
    lookup = getattr(obj.__class__._default_manager.get_queryset(), _ANCHOR_LOOKUPS[scope], None)
    if lookup is None:
        return False
    value = _follow(obj, lookup)
    if value is None:
        return False
    if scope == SUBTREE:
        return str(value).startswith(subtree_prefix(user.region_id))
    return value == _USER_ANCHORS[scope](user)


def require(user, action: str, obj: models.Model | None = None) -> None:
    """Refuse (``NotPermitted``, HTTP 403) what ``can`` refuses."""
    if not can(user, action, obj):
        raise NotPermitted(_("Your role does not allow this action."))


def page_requires(user, action: str, obj: models.Model | None = None) -> None:
    """Refuse a page (HTTP 403) that ``can`` refuses."""
    if not can(user, action, obj):
        raise PermissionDenied


_ANCHOR_LOOKUPS = {
    SUBTREE: "scope_region",
    OWN_COMPLEX: "scope_complex",
    OWN_ENTERPRISE: "scope_enterprise",
    OWN_ASSIGNMENTS: "scope_expert",
}
_USER_ANCHORS = {
    OWN_COMPLEX: lambda user: user.complex_id,
    OWN_ENTERPRISE: lambda user: user.enterprise_id,
    OWN_ASSIGNMENTS: lambda user: user.pk,
}


def _follow(obj: models.Model, lookup: str):
    """The value a queryset lookup (``complex__region__code``) names on one object, taking a
    foreign key's own column for its last step (``region__code`` → ``region_id``)."""
    parts = lookup.split("__")
    target = obj
    for index, name in enumerate(parts):
        if target is None:
            return None
        if name == "pk":
            return target.pk
        if index == len(parts) - 2:
            field = target._meta.get_field(name)
            if field.many_to_one and field.target_field.name == parts[-1]:
                return getattr(target, field.attname)
        target = getattr(target, name)
    return target
