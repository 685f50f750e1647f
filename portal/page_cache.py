"""Rendered parts of pages kept in the cache, like the public lists (``portal.api.public_cache``).

The catalogue, the directory and a complex's page read the same rows for every reader of one
audience (``policy.audience``: what the policy lets them see and do), so the part of the page
below the navigation is rendered once per audience, language and URL with its query string, and
stamped with the public lists' generation: a save or delete of what they show bumps it, so a
page read after a write is rendered again. The navigation around it (the reader's name, their
messages) is rendered for each request.

A kept part may hold forms: rendered with ``KEPT_CSRF_TOKEN`` as the context's ``csrf_token``,
it carries that placeholder where each reader's token goes, and every response puts its reader's
own token there (a masked token is new for each response, and belongs to its session). A part
holding anyone's real token is never kept.

Each process also remembers the parts it served last: a hit then reads only the generation from
the shared cache, not the part itself (the catalogue's is 70 kB, and fetching it from Redis cost
more than the rest of the request on the load test of docs/PERFORMANCE.md).
"""

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils.module_loading import import_string
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

# The context's ``csrf_token`` when a part that may be kept is rendered.
KEPT_CSRF_TOKEN = "kept-part-csrf-token"
_READERS_TOKEN = re.compile(rf'name="csrfmiddlewaretoken" value="(?!{KEPT_CSRF_TOKEN}")')

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
    before they are rendered). Parts holding a reader's CSRF token belong to their session and
    are never kept; those rendered with ``KEPT_CSRF_TOKEN`` get the reader's token in its place.
    What ``render`` raises (a 404) is raised, and nothing kept."""
    key = fragment_key(request, name)
    generation = (current_generation(), version)
    parts = _recall(key, generation)
    if parts is None:
        entry = cache.get(key)
        if entry is not None and entry[0] == generation:
            parts = entry[1]
        else:
            parts = {part: str(html) for part, html in render().items()}
            if any(_READERS_TOKEN.search(html) for html in parts.values()):
                return {part: mark_safe(html) for part, html in parts.items()}
            store_entry(key, generation, parts)
        _remember(key, generation, parts)
    return {part: mark_safe(_with_readers_token(request, html)) for part, html in parts.items()}


def _with_readers_token(request, html: str) -> str:
    if KEPT_CSRF_TOKEN not in html:
        return html
    return html.replace(KEPT_CSRF_TOKEN, get_token(request))


def kept_until_data_changes(
    request, name: str, render: Callable[[], dict[str, str]], *, also: Hashable = None
) -> dict[str, SafeString]:
    """The parts ``render`` makes, kept as ``cached_parts`` keeps them and also until the data
    behind the portal's official pages changes (``settings.PAGE_DATA_VERSION``: any committed
    write to the tables it watches), or ``also`` does. Only pages that read nothing but those
    tables may be kept this way. A reader whose own transaction has written gets parts
    rendered for them alone."""
    version = import_string(settings.PAGE_DATA_VERSION)()
    if version is None:
        return {
            part: mark_safe(_with_readers_token(request, str(html)))
            for part, html in render().items()
        }
    return cached_parts(request, name, render, version=(version, also))


def cached_fragment(request, name: str, render: Callable[[], str]) -> SafeString:
    """The part of the page ``render`` makes, kept as ``cached_parts`` keeps parts."""
    return cached_parts(request, name, lambda: {"content": render()})["content"]
