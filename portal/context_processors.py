import functools

from django.conf import settings


def navigation(request):
    """What the layout needs on every page: the portal's name and the unread-message count.
    The count is read when a template shows it (once a render): the parts of a page rendered
    on their own (``portal.page_cache``) do not show it."""
    context = {"portal_name": settings.PORTAL_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and not getattr(request, "htmx", False):
        context["unread_notifications"] = functools.cache(
            lambda: user.notifications.unread().count()
        )
    return context
