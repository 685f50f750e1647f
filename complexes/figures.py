"""The registry's contribution to the dashboard's regional figures (see ``dashboard.figures``)."""

from datetime import datetime
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.utils import timezone

from dashboard.figures import figure_rows, measure_name

from .models import Complex, ComplexStatusChange, Institution, SharedInstrument, TalentTeam

ONE = Value(Decimal(1))


def end_of_year(year: int):
    return timezone.make_aware(datetime(year + 1, 1, 1))


def with_status_at_end_of(year: int):
    """The complexes that existed on 31 December of ``year``, each with its status then (from
    its status history) as ``status_then``."""
    latest = ComplexStatusChange.objects.filter(
        complex=OuterRef("pk"), changed_at__lt=end_of_year(year)
    ).order_by("-changed_at", "-id")
    return Complex.objects.annotate(status_then=Subquery(latest.values("to_status")[:1])).filter(
        status_then__isnull=False
    )


def complex_figures(*, year: int) -> list:
    existing = with_status_at_end_of(year)
    in_year = Q(complex__in=existing.values("pk"))
    members = Institution.objects.filter(
        in_year, Q(joined_year__lte=year) | Q(joined_year__isnull=True)
    )
    instruments = SharedInstrument.objects.filter(in_year, created_at__lt=end_of_year(year))
    teams = TalentTeam.objects.filter(
        in_year, Q(introduced_year__lte=year) | Q(introduced_year__isnull=True)
    )
    per_complex = [
        measure_name("complexes"),
        measure_name("complexes.level.", F("level")),
        measure_name("complexes.category.", F("category")),
        measure_name("complexes.status.", F("status_then")),
    ]
    counted = [
        (members, measure_name("members"), Count("id")),
        (members, measure_name("members.type.", F("type")), Count("id")),
        (instruments, measure_name("instruments"), Count("id")),
        (instruments, measure_name("instruments.value"), Sum("original_value")),
        (
            instruments,
            measure_name("instruments.open"),
            Count("id", filter=Q(open_for_sharing=True)),
        ),
        (teams, measure_name("talent_teams"), Count("id")),
    ]
    return [
        *(
            figure_rows(existing, complex_id="pk", measure=measure, value=ONE)
            for measure in per_complex
        ),
        *(
            figure_rows(records, complex_id="complex_id", measure=measure, value=value)
            for records, measure, value in counted
        ),
    ]
