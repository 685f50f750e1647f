"""Early warning: complexes at risk before the year ends, each with its reasons.

Read from the per-complex tables the nightly job keeps (results, derived values, reports,
allocations): a few queries whatever the size of the region.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from complexes.models import Complex, Region, Status
from evaluation.models import (
    AnnualReport,
    DerivedValue,
    Evaluation,
    EvaluationRun,
    Grade,
    Indicator,
    ReportingPeriod,
    ReportStatus,
    RevisionStatus,
)
from funding.models import Allocation, AllocationStatus

LOW_SATISFACTION = Decimal("3.5")
STEEP_FALL = Decimal("0.7")  # this year's services below 70 % of last year's


def share_of_year_elapsed(year: int) -> Decimal:
    """How much of ``year`` has gone by: a year in progress is compared pro rata."""
    today = timezone.localdate()
    if year != today.year:
        return Decimal(1)
    return Decimal(today.timetuple().tm_yday) / Decimal(365)


FAILED, OVERDUE, LOW_RATING, FALLING, SHORT_OF_MATCHING = (
    "failed",
    "overdue",
    "low_rating",
    "falling",
    "short_of_matching",
)

# Every reason of every complex of the region in one statement (compiling the same through the
# ORM cost more than running it): a failed result, a report overdue after the deadline, a low
# rating (this year's, else last year's), services fallen below 70 % of last year's, matching
# funds short. Only the complexes at risk come back, however large the region.
REASONS_SQL = f"""
WITH in_scope AS NOT MATERIALIZED (
    SELECT id FROM {Complex._meta.db_table} WHERE region_id LIKE %(prefix)s
),
services AS (
    SELECT derived.complex_id,
        coalesce(
            max(derived.value) FILTER (WHERE code = 'average_rating' AND year = %(year)s),
            max(derived.value) FILTER (WHERE code = 'average_rating' AND year = %(year)s - 1)
        ) AS rating,
        max(derived.value) FILTER (WHERE code = 'services_delivered' AND year = %(year)s - 1)
            AS delivered_before,
        max(derived.value) FILTER (WHERE code = 'services_delivered' AND year = %(year)s)
            AS delivered_now
    FROM {DerivedValue._meta.db_table} AS derived
    JOIN {Indicator._meta.db_table} AS indicator ON indicator.id = derived.indicator_id
    WHERE derived.year IN (%(year)s - 1, %(year)s)
      AND indicator.code IN ('average_rating', 'services_delivered')
      AND derived.complex_id IN (SELECT id FROM in_scope)
    GROUP BY derived.complex_id
)
SELECT complex_id, %(failed)s, NULL::date, NULL::numeric, NULL::numeric, NULL::numeric
FROM {Evaluation._meta.db_table}
WHERE year = %(year)s - 1 AND grade = %(fail)s AND complex_id IN (SELECT id FROM in_scope)
  -- the year's published results, or its draft while nothing of it is published
  AND (status = %(result_published)s OR status = %(result_draft)s AND year NOT IN (
    SELECT year FROM {EvaluationRun._meta.db_table} WHERE status = %(result_published)s))
UNION ALL
SELECT report.complex_id, %(overdue)s, period.deadline, NULL, NULL, NULL
FROM {AnnualReport._meta.db_table} AS report
JOIN {ReportingPeriod._meta.db_table} AS period ON period.year = report.year
WHERE report.year = %(year)s AND report.status IN %(open_statuses)s
  AND period.deadline < %(today)s
  AND report.complex_id IN (SELECT id FROM in_scope)
UNION ALL
SELECT complex_id, %(low_rating)s, NULL, rating, NULL, NULL
FROM services WHERE rating < %(low_satisfaction)s
UNION ALL
SELECT complex_id, %(falling)s, NULL, NULL, delivered_before, delivered_now
FROM services WHERE delivered_before > 0 AND delivered_now < delivered_before * %(steep_fall)s
UNION ALL
SELECT complex_id, %(short)s, NULL, NULL, NULL, NULL
FROM {Allocation._meta.db_table}
WHERE year = %(year)s - 1 AND status = %(published)s AND NOT compliant
  AND provincial_amount > 0 AND complex_id IN (SELECT id FROM in_scope)
"""


def complexes_at_risk(*, year: int, region: Region) -> list[tuple[int, dict[str, dict]]]:
    """The complexes of the region at risk as (id, what was found), the most reasons first,
    then by code: two queries whatever the size of the region."""
    found: dict[int, dict[str, dict]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(
            REASONS_SQL,
            {
                "prefix": region.subtree_prefix + "%",
                "year": year,
                "today": timezone.localdate(),
                "fail": Grade.FAIL,
                "result_published": RevisionStatus.PUBLISHED,
                "result_draft": RevisionStatus.DRAFT,
                "open_statuses": (ReportStatus.DRAFT, ReportStatus.RETURNED),
                "published": AllocationStatus.PUBLISHED,
                "low_satisfaction": LOW_SATISFACTION,
                "steep_fall": STEEP_FALL,
                "failed": FAILED,
                "overdue": OVERDUE,
                "low_rating": LOW_RATING,
                "falling": FALLING,
                "short": SHORT_OF_MATCHING,
            },
        )
        for complex_id, warning, deadline, rating, before, now in cursor.fetchall():
            details = {
                OVERDUE: {"deadline": deadline},
                LOW_RATING: {"rating": rating},
                FALLING: {"before": before, "now": now},
            }
            found[complex_id][warning] = details.get(warning, {})
    codes = (
        Complex.objects.in_region(region.code)
        .exclude(status=Status.REMOVED)
        .filter(pk__in=found)
        .values_list("pk", "code")
    )
    ranked = sorted(codes, key=lambda row: (-len(found[row[0]]), row[1]))
    return [(complex_id, found[complex_id]) for complex_id, _code in ranked]


def warning_rows(at_risk: list[tuple[int, dict[str, dict]]], *, year: int) -> list[dict]:
    """[{"complex": Complex, "reasons": [text, ...]}] of ``complexes_at_risk`` or a page of
    it, in its order: one query."""
    complexes = Complex.objects.select_related("region__parent").in_bulk(
        [complex_id for complex_id, _found in at_risk]
    )
    return [
        {"complex": complexes[complex_id], "reasons": _reasons(found, year=year)}
        for complex_id, found in at_risk
    ]


def early_warnings(*, year: int, region: Region) -> list[dict]:
    """Every complex of the region at risk with its reasons, the most reasons first."""
    return warning_rows(complexes_at_risk(year=year, region=region), year=year)


def _reasons(found: dict[str, dict], *, year: int) -> list[str]:
    """The reasons' texts, always in the same order."""
    texts = {
        FAILED: lambda: _("failed the %(year)s evaluation") % {"year": year - 1},
        OVERDUE: lambda deadline: (
            _("annual report %(year)s overdue since %(deadline)s")
            % {"year": year, "deadline": deadline}
        ),
        LOW_RATING: lambda rating: _("low satisfaction: %(rating)s / 5") % {"rating": rating},
        FALLING: lambda before, now: (
            _("services delivered fell from %(before)s to %(now)s")
            % {"before": int(before), "now": int(now)}
        ),
        SHORT_OF_MATCHING: lambda: _("matching funds short for %(year)s") % {"year": year - 1},
    }
    return [texts[warning](**found[warning]) for warning in texts if warning in found]
