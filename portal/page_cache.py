"""Rendered parts of pages kept in the cache, like the public lists (``portal.api.public_cache``).

The catalogue, the directory and a complex's page read the same rows for every reader of one
audience (``policy.audience``: what the policy lets them see and do), so the part of the page
below the navigation is rendered once per audience, language and URL with its query string, and
stamped with the public lists' generation: a save or delete of what they show bumps it, so a
page read after a write is rendered again. The navigation around it (the reader's name, their
messages) is rendered for each request.
"""

import hashlib
from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from portal import policy
from portal.api.public_cache import generation_and_entry, store_entry

# Raised whenever what a cached part may contain changes, so that no part cached before a
# deployment is served after it.
FRAGMENT_FORMAT = 1


def fragment_key(request, name: str) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return (
        f"page-fragment:{FRAGMENT_FORMAT}:{name}:{get_language()}:"
        f"{policy.audience(request.user)}:{path}"
    )


def cached_fragment(request, name: str, render: Callable[[], str]) -> SafeString:
    """The part of the page ``render`` makes, from the cache when the public lists have not
    changed since it was rendered for this audience, language and URL. A part holding a form's
    CSRF token belongs to its reader's session and is never kept."""
    key = fragment_key(request, name)
    generation, html = generation_and_entry(key)
    if html is None:
        html = str(render())
        if "csrfmiddlewaretoken" not in html:
            store_entry(key, generation, html)
    return mark_safe(html)
