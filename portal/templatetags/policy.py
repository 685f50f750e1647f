"""The policy in templates, so that a page offers only what its user may do.

``{% if user|can:"dashboard.view" %}`` asks about the role; ``{% can "report.approve" report
as allowed %}`` about one object.
"""

from django import template

from portal import policy

register = template.Library()


@register.filter(name="can")
def can_filter(user, action: str) -> bool:
    return policy.can(user, action)


@register.filter(name="scope_of")
def scope_of_filter(user, action: str) -> str:
    """The scope of the user's action ("own_enterprise", ...), "" if they may not."""
    return policy.scope_of(user, action) or ""


@register.simple_tag(takes_context=True, name="can")
def can_tag(context, action: str, obj=None) -> bool:
    return policy.can(context.get("user"), action, obj)
