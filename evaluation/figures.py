"""The evaluation's contribution to the dashboard's regional figures (see ``portal.figures``).

Per complex and year: every value of its approved report and every derived value as
``indicator.<code>``, and its result as grade counts, score sums and a count per score band
(``scores.band.<category>.<lower bound>``, ten points wide, for the distribution chart). An
average (the rating, the score) is kept as a weighted sum and its weight, divided when it is read.
"""

from decimal import Decimal

from django.db.models import DecimalField, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Floor, Least

from portal.figures import figure_rows, measure_name

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
    indicator = measure_name("indicator.", F("indicator__code"))
    return [
        figure_rows(reported, complex_id="report__complex_id", figures=[(indicator, F("value"))]),
        figure_rows(
            derived.exclude(indicator__code="average_rating"),
            complex_id="complex_id",
            figures=[(indicator, F("value"))],
        ),
        figure_rows(
            ratings,
            complex_id="complex_id",
            figures=[
                ("satisfaction.weighted", F("value") * F("weight")),
                ("satisfaction.weight", F("weight")),
            ],
        ),
        figure_rows(
            Evaluation.objects.shown().filter(year=year),
            complex_id="complex_id",
            figures=[
                (measure_name("scores.grade.", F("grade")), ONE),
                (measure_name("scores.sum.", F("category")), F("score")),
                (measure_name("scores.count.", F("category")), ONE),
                (measure_name("scores.band.", F("category"), ".", score_band(F("score"))), ONE),
            ],
        ),
        figure_rows(
            AnnualReport.objects.filter(year=year),
            complex_id="complex_id",
            figures=[(measure_name("reports.", F("status")), ONE)],
        ),
    ]
