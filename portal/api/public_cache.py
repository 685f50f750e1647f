"""A cache of the public list endpoints as anonymous visitors see them.

Anonymous responses of the catalogue and the directory are the same for every visitor, so the
rendered body is kept in Django's cache (Redis in production), keyed by the absolute URL with
its query string and the language, and stamped with a generation number. Any write to a model the
lists show bumps the generation (``invalidate_on_write``), so every entry stamped before it is
ignored from then on, rendered again and overwritten. Requests of signed-in users (scoped,
role-dependent) never read or fill the cache.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

GENERATION_KEY = "public-lists:generation"
# Part of every entry's key: raised whenever what anonymous visitors may receive changes, so no
# entry cached before a deployment is served after it (2: no contact persons; 3: an entry is
# (generation, (content, content type))).
ENTRY_FORMAT = 3


def _start_generation() -> int:
    # A missing generation (never set, evicted, cache flushed) starts from the clock, so that it
    # cannot come back to a number that entries still in the cache carry.
    cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
    return cache.get(GENERATION_KEY)


def current_generation() -> int:
    """The generation a cached public entry must carry to be served."""
    return cache.get(GENERATION_KEY) or _start_generation()


def public_lists_changed() -> None:
    """Make every cached public list stale, now and again when the transaction commits: a reader
    between the two may have cached the old rows under the new generation."""
    _bump_generation()
    transaction.on_commit(_bump_generation)


def _bump_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set: start a fresh one
        _start_generation()


def _changed(sender, **kwargs) -> None:
    public_lists_changed()


def invalidate_on_write(*models) -> None:
    """Connect saves and deletes of ``models`` (what the cached lists show) to the generation.
    Bulk writes send no signals: their callers call ``public_lists_changed`` themselves."""
    for model in models:
        post_save.connect(_changed, sender=model, dispatch_uid=f"public-lists-{model._meta.label}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"public-lists-{model._meta.label}"
        )


def generation_and_entry(key: str) -> tuple[int, object | None]:
    """The current generation and the entry cached under ``key`` if it was stored in that
    generation (``store_entry``): one round trip reads both."""
    found = cache.get_many([GENERATION_KEY, key])
    current = found.get(GENERATION_KEY) or _start_generation()
    if key in found and found[key][0] == current:
        return current, found[key][1]
    return current, None


def store_entry(key: str, generation: int, value) -> None:
    cache.set(key, (generation, value), timeout=settings.PUBLIC_LIST_CACHE_SECONDS)


def entry_key(request) -> str:
    # The absolute URL, not just the path: the page's next/previous links name scheme and host.
    path = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"public-lists:{ENTRY_FORMAT}:{get_language()}:{path}"


def _cached_page(request) -> tuple[str, int, HttpResponse | None]:
    """The entry's key, the current generation, and the cached page if it is of that one."""
    key = entry_key(request)
    current, entry = generation_and_entry(key)
    if entry is not None:
        content, content_type = entry
        return key, current, HttpResponse(content, content_type=content_type)
    return key, current, None


# What a client that asks for JSON, or for anything, sends in Accept (wrk, curl, fetch, scripts).
PLAIN_ACCEPTS = {"", "*/*", "application/json"}


def _plainly_anonymous_json(request) -> bool:
    """A GET with neither a signed-in session nor credentials, asking for JSON: the request the
    REST framework would answer with the anonymous page, known before it is entered."""
    accepted = {part.split(";")[0].strip() for part in request.headers.get("Accept", "").split(",")}
    return (
        request.method == "GET"
        and "Authorization" not in request.headers
        and "format" not in request.GET
        and accepted <= PLAIN_ACCEPTS
        and not request.user.is_authenticated
    )


class AnonymousListCacheMixin:
    """For a viewset whose ``list`` answers anonymous visitors the same whoever they are.

    A cached page is sent before the request enters the REST framework: for a hit, its
    authentication, permission and negotiation steps cost more than the cache's round trip (the
    load test of docs/PERFORMANCE.md). Requests that are not plainly anonymous JSON go through
    ``list``, which reads the cache again once the framework has authenticated them, and fills it.
    """

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        view = super().as_view(actions, **initkwargs)
        if (actions or {}).get("get") != "list":
            return view

        @functools.wraps(view)
        def cached_or_listed(request, *args, **kwargs):
            if _plainly_anonymous_json(request):
                _key, _generation, page = _cached_page(request)
                if page is not None:
                    patch_vary_headers(page, ["Accept"])  # as the framework's answer has it
                    return page
            return view(request, *args, **kwargs)

        return cached_or_listed

    def list(self, request, *args, **kwargs):
        if request.user.is_authenticated or request.accepted_renderer.format != "json":
            return super().list(request, *args, **kwargs)
        key, current, page = _cached_page(request)
        if page is not None:
            return page
        response = super().list(request, *args, **kwargs)
        if response.status_code == 200:

            def keep(rendered) -> None:
                # Returns nothing: a post-render callback's return value replaces the response.
                store_entry(key, current, (rendered.content, rendered["Content-Type"]))

            response.add_post_render_callback(keep)
        return response
