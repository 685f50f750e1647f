"""Indicators the evaluation derives from the registry (EVALUATION_DERIVED_SOURCES).

Each value is the state at the end of ``year`` (docs/EVALUATION.md): members that had joined
and not left, talent teams formed and not dissolved, instruments worth at least 500,000 CNY
acquired, opened for sharing and not retired by then. Every complex that is not removed gets a
row for every indicator: a count or amount with no record behind it is zero, not missing (the
one rule for zero and missing). Three grouped queries, whatever the number of complexes.
``counted_records`` lists the records behind one value, with the same querysets.
"""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from portal.derived import CountedRecords, CountingSource

from .models import Complex, Institution, InstitutionType, SharedInstrument, Status, TalentTeam

SHARING_THRESHOLD = Decimal("500000")

MEMBER_COUNTS = {
    "member_institutions": Q(),
    "incubators": Q(type=InstitutionType.INCUBATOR),
    "ip_agencies": Q(type=InstitutionType.IP_SERVICE),
    "testing_platforms": Q(type=InstitutionType.TESTING),
    "university_partners": Q(type=InstitutionType.UNIVERSITY),
}
INSTRUMENT_CODES = ("shared_instruments", "shared_instrument_value")
CODES = (*MEMBER_COUNTS, "talent_teams", *INSTRUMENT_CODES)

DEFINITIONS = {
    "member_institutions": _(
        "The member institutions of the complex at the end of the year: joined in or before "
        "the year and not left by its end."
    ),
    "incubators": _(
        "The member incubators and maker spaces at the end of the year: joined in or before "
        "the year and not left by its end."
    ),
    "ip_agencies": _(
        "The member IP service agencies at the end of the year: joined in or before the year "
        "and not left by its end."
    ),
    "testing_platforms": _(
        "The member testing and inspection platforms at the end of the year: joined in or "
        "before the year and not left by its end."
    ),
    "university_partners": _(
        "The member co-built universities and institutes at the end of the year: joined in or "
        "before the year and not left by its end."
    ),
    "talent_teams": _(
        "The high-level talent teams at the end of the year: formed in or before the year and "
        "not dissolved by its end."
    ),
    "shared_instruments": _(
        "The instruments worth at least 500,000 CNY open for sharing at the end of the year: "
        "acquired and opened for sharing in or before the year, not retired by its end."
    ),
    "shared_instrument_value": _(
        "The original value of the instruments worth at least 500,000 CNY open for sharing at "
        "the end of the year (acquired and opened for sharing in or before the year, not "
        "retired by its end)."
    ),
}


def _members(year: int):
    return Institution.objects.as_of(year)


def _teams(year: int):
    return TalentTeam.objects.as_of(year)


def _instruments(year: int):
    return SharedInstrument.objects.shared_as_of(year, threshold=SHARING_THRESHOLD)


def derived_values(*, year: int) -> list[tuple[int, str, Decimal]]:
    complex_ids = list(
        Complex.objects.exclude(status=Status.REMOVED).order_by("pk").values_list("pk", flat=True)
    )
    found: dict[tuple[int, str], Decimal] = {}
    members = (
        _members(year)
        .values("complex_id")
        .annotate(
            **{code: Count("id", filter=condition) for code, condition in MEMBER_COUNTS.items()}
        )
    )
    teams = _teams(year).values("complex_id").annotate(talent_teams=Count("id"))
    instruments = (
        _instruments(year)
        .values("complex_id")
        .annotate(shared_instruments=Count("id"), shared_instrument_value=Sum("original_value"))
    )
    for rows in (members, teams, instruments):
        for row in rows:
            for code, value in row.items():
                if code != "complex_id":
                    found[(row["complex_id"], code)] = Decimal(value or 0)
    return [
        (complex_id, code, found.get((complex_id, code), Decimal(0)))
        for complex_id in complex_ids
        for code in CODES
    ]


def counted_records(*, code: str, complex_id: int, year: int) -> CountedRecords:
    """The records ``derived_values`` counts for one complex, indicator and year."""
    if code in MEMBER_COUNTS:
        members = _members(year).filter(MEMBER_COUNTS[code], complex_id=complex_id)
        return CountedRecords(
            columns=(_("Name"), _("Type"), _("Year joined"), _("Year left")),
            rows=[
                (member.name, member.get_type_display(), member.joined_year, member.left_year)
                for member in members.order_by("name", "pk")
            ],
        )
    if code == "talent_teams":
        return CountedRecords(
            columns=(_("Name"), _("Team leader"), _("Year formed"), _("Year dissolved")),
            rows=[
                (team.name, team.leader, team.introduced_year, team.dissolved_year)
                for team in _teams(year).filter(complex_id=complex_id).order_by("name", "pk")
            ],
        )
    if code in INSTRUMENT_CODES:
        instruments = _instruments(year).filter(complex_id=complex_id)
        return CountedRecords(
            columns=(
                _("Name"),
                _("Original value (CNY)"),
                _("Year acquired"),
                _("Year opened for sharing"),
                _("Year retired"),
            ),
            rows=[
                (
                    instrument.name,
                    instrument.original_value,
                    instrument.acquired_year,
                    instrument.shared_from_year,
                    instrument.retired_year,
                )
                for instrument in instruments.order_by("-original_value", "pk")
            ],
        )
    raise KeyError(code)


COUNTING_SOURCE = CountingSource(definitions=DEFINITIONS, records=counted_records)
