"""The evaluation's contribution to the dashboard's regional figures (see ``dashboard.figures``).

Per complex and year: every value of its approved report and every derived value as
``indicator.<code>``, and its result as grade counts, score sums and a count per score band
(``scores.band.<category>.<lower bound>``, ten points wide, for the distribution chart). An
average (the rating, the score) is kept as a weighted sum and its weight, divided when it is read.
"""

from decimal import Decimal

from .models import AnnualReport, DerivedValue, Evaluation, ReportStatus, ReportValue

ONE = Decimal(1)
SCORE_BAND_WIDTH = 10
# Lower bounds of the score bands: 0, 10, …, 90 (a score of 100 counts in the top band).
SCORE_BANDS = list(range(0, 100, SCORE_BAND_WIDTH))


def score_band(score: Decimal) -> int:
    return min(int(score) // SCORE_BAND_WIDTH * SCORE_BAND_WIDTH, SCORE_BANDS[-1])


def evaluation_figures(*, year: int) -> list[tuple[int, str, Decimal]]:
    rows: list[tuple[int, str, Decimal]] = []
    reported = ReportValue.objects.filter(
        report__year=year, report__status=ReportStatus.APPROVED
    ).values_list("report__complex_id", "indicator__code", "value")
    rows += [(complex_id, f"indicator.{code}", value) for complex_id, code, value in reported]
    derived = {
        (complex_id, code): value
        for complex_id, code, value in DerivedValue.objects.filter(year=year).values_list(
            "complex_id", "indicator__code", "value"
        )
    }
    for (complex_id, code), value in derived.items():
        if code == "average_rating":
            # A region's satisfaction is the mean of every rating, not of the complexes' means.
            weight = derived.get((complex_id, "services_delivered"), Decimal(0))
            rows += [
                (complex_id, "satisfaction.weighted", value * weight),
                (complex_id, "satisfaction.weight", weight),
            ]
        else:
            rows.append((complex_id, f"indicator.{code}", value))
    for complex_id, category, score, grade in Evaluation.objects.filter(year=year).values_list(
        "complex_id", "category", "score", "grade"
    ):
        rows += [
            (complex_id, f"scores.grade.{grade}", ONE),
            (complex_id, f"scores.sum.{category}", score),
            (complex_id, f"scores.count.{category}", ONE),
            (complex_id, f"scores.band.{category}.{score_band(score)}", ONE),
        ]
    rows += [
        (complex_id, f"reports.{status}", ONE)
        for complex_id, status in AnnualReport.objects.filter(year=year).values_list(
            "complex_id", "status"
        )
    ]
    return rows
