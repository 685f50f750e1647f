"""Read queries of the expert pool, the assignments and the reviews, shared by pages and the
API (evaluation/expert_review.py writes them)."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Prefetch

from complexes.models import Complex, Status
from portal import policy
from portal.filtering import NO_FILTERS, Filters, filtered

from . import selectors
from .filters import ExpertReviewFilter
from .models import Expert, ExpertAssignment, ExpertReview, ReportStatus, ReviewScore


def experts_table(*, user, active: bool | None = None):
    """The pool, each expert with the number of assignments; the province's only."""
    rows = Expert.objects.in_scope(user, "expert.manage").select_related("user", "city")
    if active is not None:
        rows = rows.filter(user__is_active=active)
    return rows.annotate(assignment_count=Count("assignments")).order_by("name", "pk")


def assignments_table(*, user, year: int | None = None, complex_id: int | None = None):
    """The assignments the user may see (the province: all; an expert: their own), with the
    complex, the expert and the review."""
    rows = ExpertAssignment.objects.in_scope(user, "expert_review.list").select_related(
        "complex", "complex__region", "expert", "review"
    )
    if year is not None:
        rows = rows.filter(year=year)
    if complex_id is not None:
        rows = rows.filter(complex_id=complex_id)
    return rows.order_by("-year", "complex__code", "expert__name")


def reviews_table(*, user, filters: Filters = NO_FILTERS):
    """The reviews the user may see (the province: all; an expert: their own), with their
    scores: the API's rows."""
    rows = (
        ExpertReview.objects.in_scope(user, "expert_review.list")
        .select_related("assignment", "assignment__expert")
        .prefetch_related(Prefetch("scores", queryset=ReviewScore.objects.select_related("item")))
    )
    return filtered(ExpertReviewFilter, rows, filters).order_by(
        "-assignment__year", "assignment__complex_id", "assignment_id"
    )


@dataclass(frozen=True)
class BoardRow:
    complex: Complex
    assignments: list[ExpertAssignment]
    wanted: int

    @property
    def missing(self) -> int:
        return max(0, self.wanted - len(self.assignments))


def assignment_board(*, user, year: int, short_only: bool = False) -> list[BoardRow]:
    """The complexes evaluated in ``year`` with their experts, and how many each still lacks
    against its scheme's ``experts_per_complex`` (the short ones first)."""
    if not policy.can(user, "expert.manage"):
        return []
    complexes = (
        Complex.objects.filter(
            level__in=settings.EVALUATION_LEVELS, status__in=[Status.OPERATING, Status.RECTIFYING]
        )
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "expert_assignments",
                queryset=ExpertAssignment.objects.filter(year=year)
                .select_related("expert", "review")
                .order_by("expert__name"),
                to_attr="year_assignments",
            )
        )
        .order_by("code")
    )
    wanted = {}
    for category in {row.category for row in complexes}:
        scheme = selectors.scheme_for(year=year, category=category)
        wanted[category] = scheme.experts_per_complex if scheme is not None else 3
    rows = [
        BoardRow(complex_, complex_.year_assignments, wanted[complex_.category])
        for complex_ in complexes
    ]
    if short_only:
        rows = [row for row in rows if row.missing]
    return sorted(rows, key=lambda row: (-row.missing, row.complex.code))


def review_material(*, assignment: ExpertAssignment):
    """What the expert reads of the assigned complex's year: its annual report (values and the
    operator's comments, the evidence it gives) when submitted or further."""
    return (
        assignment.complex.reports.filter(year=assignment.year)
        .exclude(status=ReportStatus.DRAFT)
        .prefetch_related("values__indicator")
        .first()
    )
