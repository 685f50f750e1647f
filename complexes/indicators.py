"""Indicators the evaluation derives from the registry (EVALUATION_DERIVED_SOURCES).

Each value is the state at the end of ``year``: members that joined by then (or whose year is
unknown), talent teams introduced by then; instruments (which carry no year) as they are now: open for
sharing and worth at least 500,000 CNY. Every complex that is not removed gets a row for every indicator, zero included.
Three grouped queries, whatever the number of complexes.
"""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from .models import Complex, Institution, InstitutionType, SharedInstrument, Status, TalentTeam

SHARING_THRESHOLD = Decimal("500000")

MEMBER_COUNTS = {
    "member_institutions": Q(),
    "incubators": Q(type=InstitutionType.INCUBATOR),
    "ip_agencies": Q(type=InstitutionType.IP_SERVICE),
    "testing_platforms": Q(type=InstitutionType.TESTING),
    "university_partners": Q(type=InstitutionType.UNIVERSITY),
}


def derived_values(*, year: int) -> list[tuple[int, str, Decimal]]:
    complex_ids = list(
        Complex.objects.exclude(status=Status.REMOVED).order_by("pk").values_list("pk", flat=True)
    )
    found: dict[tuple[int, str], Decimal] = {}
    members = (
        Institution.objects.filter(Q(joined_year__lte=year) | Q(joined_year__isnull=True))
        .values("complex_id")
        .annotate(
            **{code: Count("id", filter=condition) for code, condition in MEMBER_COUNTS.items()}
        )
    )
    teams = (
        TalentTeam.objects.filter(Q(introduced_year__lte=year) | Q(introduced_year__isnull=True))
        .values("complex_id")
        .annotate(talent_teams=Count("id"))
    )
    instruments = (
        SharedInstrument.objects.filter(
            open_for_sharing=True, original_value__gte=SHARING_THRESHOLD
        )
        .values("complex_id")
        .annotate(shared_instruments=Count("id"), shared_instrument_value=Sum("original_value"))
    )
    codes = [*MEMBER_COUNTS, "talent_teams", "shared_instruments", "shared_instrument_value"]
    for rows in (members, teams, instruments):
        for row in rows:
            for code, value in row.items():
                if code != "complex_id":
                    found[(row["complex_id"], code)] = Decimal(value or 0)
    return [
        (complex_id, code, found.get((complex_id, code), Decimal(0)))
        for complex_id in complex_ids
        for code in codes
    ]
