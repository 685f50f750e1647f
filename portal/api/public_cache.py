"""A cache of the public list endpoints as anonymous visitors see them.

Anonymous responses of the catalogue and the directory are the same for every visitor, so the
rendered body is kept in Django's cache (Redis in production), keyed by the absolute URL with
its query string and the language, and stamped with a generation number. Any write to a model the
lists show bumps the generation (``invalidate_on_write``), so every entry stamped before it is
ignored from then on, rendered again and overwritten. Requests of signed-in users (scoped,
role-dependent) never read or fill the cache.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils.translation import get_language

GENERATION_KEY = "public-lists:generation"


def _start_generation() -> int:
    # A missing generation (never set, evicted, cache flushed) starts from the clock, so that it
    # cannot come back to a number that entries still in the cache carry.
    cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
    return cache.get(GENERATION_KEY)


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


def entry_key(request) -> str:
    # The absolute URL, not just the path: the page's next/previous links name scheme and host.
    path = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"public-lists:{get_language()}:{path}"


class AnonymousListCacheMixin:
    """For a viewset whose ``list`` answers anonymous visitors the same whoever they are."""

    def list(self, request, *args, **kwargs):
        if request.user.is_authenticated or request.accepted_renderer.format != "json":
            return super().list(request, *args, **kwargs)
        key = entry_key(request)
        # An entry carries the generation it was rendered in: one round trip reads both.
        found = cache.get_many([GENERATION_KEY, key])
        current = found.get(GENERATION_KEY) or _start_generation()
        if key in found and found[key][0] == current:
            _generation, content, content_type = found[key]
            return HttpResponse(content, content_type=content_type)
        response = super().list(request, *args, **kwargs)
        if response.status_code == 200:

            def keep(rendered) -> None:
                # Returns nothing: a post-render callback's return value replaces the response.
                cache.set(
                    key,
                    (current, rendered.content, rendered["Content-Type"]),
                    timeout=settings.PUBLIC_LIST_CACHE_SECONDS,
                )

            response.add_post_render_callback(keep)
        return response
