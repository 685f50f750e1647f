"""The registry's contribution to the dashboard's regional figures (see ``portal.figures``)."""

from datetime import datetime
from decimal import Decimal

from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Sum, Value, When
from django.utils import timezone

from portal.figures import figure_rows, measure_name

from .models import Complex, ComplexStatusChange, Institution, SharedInstrument, TalentTeam

ONE = Value(Decimal(1))


def end_of_year(year: int):
    return timezone.make_aware(datetime(year + 1, 1, 1))


def existed_at_end_of(year: int, complex_ref: str = "pk") -> Exists:
    """The complex (``complex_ref`` of the outer query) existed on 31 December of ``year``: its
    status history had begun."""
    return Exists(
        ComplexStatusChange.objects.filter(
            complex=OuterRef(complex_ref), changed_at__lt=end_of_year(year)
        )
    )


def with_status_at_end_of(year: int):
    """The complexes that existed on 31 December of ``year``, each with its status then (from
    its status history) as ``status_then``."""
    latest = ComplexStatusChange.objects.filter(
        complex=OuterRef("pk"), changed_at__lt=end_of_year(year)
    ).order_by("-changed_at", "-id")
    return Complex.objects.filter(existed_at_end_of(year)).annotate(
        status_then=Subquery(latest.values("to_status")[:1])
    )


def complex_figures(*, year: int) -> list:
    existing = with_status_at_end_of(year)
    in_year = existed_at_end_of(year, "complex_id")
    members = Institution.objects.as_of(year).filter(in_year)
    # In use at the end of the year: acquired by then and not retired by then.
    instruments = SharedInstrument.objects.filter(
        Q(retired_year__isnull=True) | Q(retired_year__gt=year), in_year, acquired_year__lte=year
    )
    teams = TalentTeam.objects.as_of(year).filter(in_year)
    return [
        figure_rows(
            existing,
            complex_id="pk",
            figures=[
                ("complexes", ONE),
                (measure_name("complexes.level.", F("level")), ONE),
                (measure_name("complexes.category.", F("category")), ONE),
                (measure_name("complexes.status.", F("status_then")), ONE),
                (
                    "complexes.mountain_26",
                    Case(When(region__mountain_26=True, then=ONE), default=Value(Decimal(0))),
                ),
            ],
        ),
        # Counted per type: the types' counts add up to the members.
        figure_rows(
            members,
            complex_id="complex_id",
            figures=[
                ("members", Count("id")),
                (measure_name("members.type.", F("type")), Count("id")),
            ],
        ),
        figure_rows(
            instruments,
            complex_id="complex_id",
            figures=[
                ("instruments", Count("id")),
                ("instruments.value", Sum("original_value")),
                ("instruments.open", Count("id", filter=Q(shared_from_year__lte=year))),
            ],
        ),
        figure_rows(teams, complex_id="complex_id", figures=[("talent_teams", Count("id"))]),
    ]
