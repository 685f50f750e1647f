from rest_framework.permissions import SAFE_METHODS, BasePermission


class ActionRolePermission(BasePermission):
    """Who may call which action of a viewset, by role.

    A viewset declares ``public_read`` (anonymous reads allowed) and ``action_roles``: for each
    write action, the user flags (``is_operator``, ``is_official``, ...) of which one must hold.
    An action that is not listed is refused. Scope is not decided here: viewsets fetch objects
    from ``in_scope(user)`` querysets, so an object out of scope answers 404 whatever the role.
    """

    def has_permission(self, request, view):
        if view.action is None:
            return True  # a method the view does not offer: let it answer 405
        user = request.user
        authenticated = bool(user and user.is_authenticated)
        if request.method in SAFE_METHODS and view.action not in view.action_roles:
            return getattr(view, "public_read", False) or authenticated
        if not authenticated:
            return False
        if user.is_superuser:
            return True
        return any(getattr(user, flag) for flag in view.action_roles.get(view.action, ()))
