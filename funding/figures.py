"""Funding's contribution to the dashboard's regional figures (see ``portal.figures``).

Published money and drafts are separate measures: a draft is never money allocated, so
``funding.allocated`` (and the counts beside it) read published rows only, and the drafts of
the year (a first computation, or the revision of a published year) add up under
``funding.draft`` and ``funding.draft_allocations``.
"""

from decimal import Decimal

from django.db.models import Case, DecimalField, F, Value, When

from portal.figures import figure_rows

from .models import Allocation, AllocationStatus

ONE = Value(Decimal(1))


def funding_figures(*, year: int) -> list:
    allocations = Allocation.objects.filter(year=year)
    compliant = Case(
        When(compliant=True, then=ONE), default=Value(Decimal(0)), output_field=DecimalField()
    )
    return [
        figure_rows(
            allocations.filter(status=AllocationStatus.PUBLISHED),
            complex_id="complex_id",
            figures=[
                ("funding.allocated", F("provincial_amount")),
                ("funding.allocations", ONE),
                ("funding.compliant", compliant),
            ],
        ),
        figure_rows(
            allocations.filter(status=AllocationStatus.DRAFT),
            complex_id="complex_id",
            figures=[
                ("funding.draft", F("provincial_amount")),
                ("funding.draft_allocations", ONE),
            ],
        ),
    ]
