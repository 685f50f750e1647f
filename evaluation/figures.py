"""The evaluation's contribution to the dashboard's regional figures (see ``dashboard.figures``).

Per complex and year: every value of its approved report and every derived value as
``indicator.<code>``, and its result as grade counts, score sums and a count per score band
(``scores.band.<category>.<lower bound>``, ten points wide, for the distribution chart). An
average (the rating, the score) is kept as a weighted sum and its weight, divided when it is read.
"""

from decimal import Decimal

from django.db.models import DecimalField, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Floor, Least

from dashboard.figures import figure_rows, measure_name

from .models import AnnualReport, DerivedValue, Evaluation, ReportStatus, ReportValue

ONE = Value(Decimal(1))
SCORE_BAND_WIDTH = 10
# Lower bounds of the score bands: 0, 10, …, 90 (a score of 100 counts in the top band).
SCORE_BANDS = list(range(0, 100, SCORE_BAND_WIDTH))


def score_band(score):
    """The lower bound of the band that holds ``score`` (an expression), as an integer."""
    return Cast(
        Least(
            Floor(score / SCORE_BAND_WIDTH) * SCORE_BAND_WIDTH,
            Value(SCORE_BANDS[-1]),
            output_field=DecimalField(),
        ),
        IntegerField(),
    )


def evaluation_figures(*, year: int) -> list:
    reported = ReportValue.objects.filter(report__year=year, report__status=ReportStatus.APPROVED)
    derived = DerivedValue.objects.filter(year=year)
    # A region's satisfaction is the mean of every rating, not of the complexes' means.
    ratings = derived.filter(indicator__code="average_rating").annotate(
        weight=Coalesce(
            Subquery(
                derived.filter(
                    complex_id=OuterRef("complex_id"), indicator__code="services_delivered"
                ).values("value")[:1]
            ),
            Value(Decimal(0)),
            output_field=DecimalField(),
        )
    )
    results = Evaluation.objects.filter(year=year)
    indicator = measure_name("indicator.", F("indicator__code"))
    rows = [
        (reported, "report__complex_id", indicator, F("value")),
        (derived.exclude(indicator__code="average_rating"), "complex_id", indicator, F("value")),
        (ratings, "complex_id", "satisfaction.weighted", F("value") * F("weight")),
        (ratings, "complex_id", "satisfaction.weight", F("weight")),
        (results, "complex_id", measure_name("scores.grade.", F("grade")), ONE),
        (results, "complex_id", measure_name("scores.sum.", F("category")), F("score")),
        (results, "complex_id", measure_name("scores.count.", F("category")), ONE),
        (
            results,
            "complex_id",
            measure_name("scores.band.", F("category"), ".", score_band(F("score"))),
            ONE,
        ),
        (
            AnnualReport.objects.filter(year=year),
            "complex_id",
            measure_name("reports.", F("status")),
            ONE,
        ),
    ]
    return [
        figure_rows(queryset, complex_id=complex_id, measure=measure, value=value)
        for queryset, complex_id, measure, value in rows
    ]
