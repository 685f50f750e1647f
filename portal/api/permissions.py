from rest_framework.permissions import SAFE_METHODS, BasePermission

from portal import policy


class PolicyPermission(BasePermission):
    """A viewset's actions, asked of ``portal.policy``.

    A viewset declares ``public_read`` (anonymous reads allowed) and ``policy_actions``: for
    each action it guards, the policy action it is (``{"approve": "report.approve"}``). A write
    action that is not listed is refused. The role is asked first (403 for a role that may never
    do it), then the object (403 for an object in the user's view but outside the action's
    scope). Viewsets fetch objects from ``in_scope(user)`` querysets, so an object the user may
    not see answers 404 before it gets here.
    """

    def has_permission(self, request, view):
        if view.action is None:
            return True  # a method the view does not offer: let it answer 405
        user = request.user
        authenticated = bool(user and user.is_authenticated)
        action = view.policy_actions.get(view.action)
        if request.method in SAFE_METHODS and action is None:
            return getattr(view, "public_read", False) or authenticated
        if not authenticated or action is None:
            return False
        return policy.can(user, action)

    def has_object_permission(self, request, view, obj):
        action = view.policy_actions.get(view.action)
        return action is None or policy.can(request.user, action, obj)
