"""The registry's contribution to the dashboard's regional figures (see ``dashboard.figures``)."""

from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from .models import Complex, ComplexStatusChange, Institution, SharedInstrument, TalentTeam

ONE = Decimal(1)


def end_of_year(year: int):
    return timezone.make_aware(datetime(year + 1, 1, 1))


def statuses_at_end_of(year: int) -> dict[int, str]:
    """Each complex's status on 31 December of ``year``, from its status history."""
    latest = (
        ComplexStatusChange.objects.filter(changed_at__lt=end_of_year(year))
        .order_by("complex_id", "-changed_at", "-id")
        .distinct("complex_id")
        .values_list("complex_id", "to_status")
    )
    return dict(latest)


def complex_figures(*, year: int) -> list[tuple[int, str, Decimal]]:
    statuses = statuses_at_end_of(year)
    rows: list[tuple[int, str, Decimal]] = []
    for complex_id, level, category in Complex.objects.filter(pk__in=statuses).values_list(
        "id", "level", "category"
    ):
        rows += [
            (complex_id, "complexes", ONE),
            (complex_id, f"complexes.level.{level}", ONE),
            (complex_id, f"complexes.category.{category}", ONE),
            (complex_id, f"complexes.status.{statuses[complex_id]}", ONE),
        ]
    in_year = Q(complex_id__in=statuses)
    members = (
        Institution.objects.filter(in_year, Q(joined_year__lte=year) | Q(joined_year__isnull=True))
        .values_list("complex_id", "type")
        .annotate(n=Count("id"))
    )
    for complex_id, member_type, count in members:
        rows += [
            (complex_id, "members", Decimal(count)),
            (complex_id, f"members.type.{member_type}", Decimal(count)),
        ]
    instruments = (
        SharedInstrument.objects.filter(in_year, created_at__lt=end_of_year(year))
        .values_list("complex_id")
        .annotate(
            n=Count("id"),
            value=Sum("original_value"),
            open_n=Count("id", filter=Q(open_for_sharing=True)),
        )
    )
    for complex_id, count, value, open_count in instruments:
        rows += [
            (complex_id, "instruments", Decimal(count)),
            (complex_id, "instruments.value", value),
            (complex_id, "instruments.open", Decimal(open_count)),
        ]
    teams = (
        TalentTeam.objects.filter(
            in_year, Q(introduced_year__lte=year) | Q(introduced_year__isnull=True)
        )
        .values_list("complex_id")
        .annotate(n=Count("id"))
    )
    rows += [(complex_id, "talent_teams", Decimal(count)) for complex_id, count in teams]
    return rows
