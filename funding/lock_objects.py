"""The locks of the funding app, in the one order every service takes them.

First the year's advisory lock (one for its rule set, one for its allocations: writers of the
same year queue there, released at the end of the transaction), then the year's allocation rows
in primary-key order, then (publishing only) the numbering lock of the decisions' year of issue.
Two transactions therefore never wait for each other.
"""

import zlib

from django.db import connection
from django.db.models import QuerySet

from .models import Allocation


def year_lock(name: str, year: int) -> None:
    """1. Serialise the writers of ``name`` (``rules`` or ``allocations``) for ``year``; last,
    ``decision_numbers`` for the year of issue of a decision's number."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(f"funding-{name}-{year}".encode())]
        )


def allocations_select_for_update() -> QuerySet[Allocation]:
    """2. Allocation rows (only their own rows: a joined rule set stays unlocked)."""
    return Allocation.objects.order_by("pk").select_for_update(of=("self",))
