"""Rendered parts of pages kept in the cache, like the public lists (``portal.api.public_cache``).

The catalogue, the directory and a complex's page read the same rows for every reader of one
audience (``policy.audience``: what the policy lets them see and do), so the part of the page
below the navigation is rendered once per audience, language and URL with its query string, and
stamped with the public lists' generation: a save or delete of what they show bumps it, so a
page read after a write is rendered again. The navigation around it (the reader's name, their
messages) is rendered for each request.

Each process also remembers the parts it served last: a hit then reads only the generation from
the shared cache, not the part itself (the catalogue's is 70 kB, and fetching it from Redis cost
more than the rest of the request on the load test of docs/PERFORMANCE.md).
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from portal import policy
from portal.api.public_cache import current_generation, store_entry

# Raised whenever what a cached part may contain changes, so that no part cached before a
# deployment is served after it.
FRAGMENT_FORMAT = 3
# Characters of parts each process remembers, the least recently served forgotten first: the
# catalogue's part is about 70,000, the province's dashboard about 200,000.
REMEMBERED_CHARACTERS = 8_000_000

_remembered: OrderedDict[str, tuple[Hashable, dict[str, str], int]] = OrderedDict()
_remembered_characters = 0
_lock = threading.Lock()


def fragment_key(request, name: str) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return (
        f"page-fragment:{FRAGMENT_FORMAT}:{name}:{get_language()}:"
        f"{policy.audience(request.user)}:{path}"
    )


def _recall(key: str, generation: Hashable) -> dict[str, str] | None:
    with _lock:
        found = _remembered.get(key)
        if found is None or found[0] != generation:
            return None
        _remembered.move_to_end(key)
        return found[1]


def _remember(key: str, generation: Hashable, parts: dict[str, str]) -> None:
    global _remembered_characters
    size = sum(map(len, parts.values()))
    with _lock:
        replaced = _remembered.pop(key, None)
        if replaced is not None:
            _remembered_characters -= replaced[2]
        _remembered[key] = (generation, parts, size)
        _remembered_characters += size
        while _remembered_characters > REMEMBERED_CHARACTERS and len(_remembered) > 1:
            _remembered_characters -= _remembered.popitem(last=False)[1][2]


def cached_parts(
    request, name: str, render: Callable[[], dict[str, str]], *, version: Hashable = None
) -> dict[str, SafeString]:
    """The named parts of a page (its title, breadcrumbs and content, say) that ``render``
    makes, from the cache when the public lists have not changed since they were rendered for
    this audience, language and URL, nor ``version`` (what else the parts depend on, read
    before they are rendered). Parts holding a form's CSRF token belong to their reader's
    session and are never kept. What ``render`` raises (a 404) is raised, and nothing kept."""
    key = fragment_key(request, name)
    generation = (current_generation(), version)
    parts = _recall(key, generation)
    if parts is None:
        entry = cache.get(key)
        if entry is not None and entry[0] == generation:
            parts = entry[1]
        else:
            parts = {part: str(html) for part, html in render().items()}
            if any("csrfmiddlewaretoken" in html for html in parts.values()):
                return {part: mark_safe(html) for part, html in parts.items()}
            store_entry(key, generation, parts)
        _remember(key, generation, parts)
    return {part: mark_safe(html) for part, html in parts.items()}


def cached_fragment(request, name: str, render: Callable[[], str]) -> SafeString:
    """The part of the page ``render`` makes, kept as ``cached_parts`` keeps parts."""
    return cached_parts(request, name, lambda: {"content": render()})["content"]
