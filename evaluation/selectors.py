"""Read queries of reports and results, shared by pages and the API."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from complexes.models import Category, Status
from complexes.selectors import current_hearings
from portal import policy
from portal.filtering import NO_FILTERS, Filters, filtered
from portal.models import Job
from portal.policy import subtree_prefix
from portal.templatetags.numbers import as_entered

from .explain import Explanation, explain
from .filters import AdjustmentFilter, EvaluationFilter, ReportFilter
from .models import (
    Adjustment,
    AdjustmentItem,
    AdjustmentStatus,
    AnnualReport,
    DerivedValue,
    Dimension,
    Evaluation,
    EvaluationRun,
    EvaluationScheme,
    Indicator,
    JobKind,
    ManagementDecision,
    ManagementKind,
    ProposalStatus,
    Publication,
    RecheckOutcome,
    ReportStatus,
    ReportValue,
    RevisionStatus,
    SchemeWeight,
)
from .report_lock import with_overdue
from .scoring import median

# A value moving more than this share from last year's, or from its derived counterpart, is a
# warning the operator must explain before submitting.
WARNING_CHANGE = Decimal("0.5")


def indicators_by_code() -> dict[str, Indicator]:
    return {indicator.code: indicator for indicator in Indicator.objects.all()}


def report_values(*, report: AnnualReport) -> dict[str, ReportValue]:
    return {
        row.indicator.code: row
        for row in ReportValue.objects.filter(report=report).select_related("indicator")
    }


def previous_year_values(*, complex_id: int, year: int) -> dict[str, Decimal]:
    """Last year's approved values of a complex, by indicator code."""
    return dict(
        ReportValue.objects.filter(
            report__complex_id=complex_id,
            report__year=year - 1,
            report__status=ReportStatus.APPROVED,
        ).values_list("indicator__code", "value")
    )


def derived_values_of(*, complex_id: int, year: int) -> dict[str, Decimal]:
    return dict(
        DerivedValue.objects.filter(complex_id=complex_id, year=year).values_list(
            "indicator__code", "value"
        )
    )


def report_warnings(*, report: AnnualReport) -> dict[str, str]:
    """Values that move more than ±50 % from last year's approved value, or from their derived
    counterpart: warnings the operator must acknowledge with a comment."""
    values = report_values(report=report)
    last_year = previous_year_values(complex_id=report.complex_id, year=report.year)
    derived = derived_values_of(complex_id=report.complex_id, year=report.year)
    warnings = {}
    for code, row in values.items():
        previous = last_year.get(code)
        counterpart = row.indicator.counterpart
        if previous and abs(row.value - previous) > previous * WARNING_CHANGE:
            warnings[code] = _("Changed by %(change)s %% from last year (%(previous)s).") % {
                "change": f"{(row.value - previous) / previous * 100:+.0f}",
                "previous": as_entered(previous, row.indicator),
            }
        elif counterpart is not None and derived.get(counterpart.code):
            expected = derived[counterpart.code]
            if abs(row.value - expected) > expected * WARNING_CHANGE:
                warnings[code] = _(
                    "Differs by more than 50 %% from the portal's own records (%(expected)s)."
                ) % {"expected": as_entered(expected, counterpart)}
    return warnings


def reports(*, user, filters: Filters = NO_FILTERS):
    """The reports a user may see under validated ``ReportFilter`` filters: operators' own,
    officials' in scope."""
    rows = (
        AnnualReport.objects.in_scope(user)
        .select_related("complex", "complex__region__parent")
        .order_by("-year", "complex__code")
    )
    return filtered(ReportFilter, with_overdue(rows), filters)


def report_table(*, user, filters: Filters = NO_FILTERS):
    """The reports page and table; anyone but officials and operators is refused."""
    policy.page_requires(user, "report.list")
    return reports(user=user, filters=filters)


def scheme_for(*, year: int, category: str) -> EvaluationScheme | None:
    """The scheme in force for a year: the latest version of the latest year up to it."""
    return (
        EvaluationScheme.objects.filter(category=category, year__lte=year)
        .prefetch_related(
            Prefetch("weights", queryset=SchemeWeight.objects.select_related("indicator")),
            "adjustment_items",
            "rubric_items",
        )
        .order_by("-year", "-version")
        .first()
    )


def evaluations_for_management(*, year: int):
    return (
        Evaluation.objects.shown()
        .filter(year=year)
        .select_related("complex", "scheme")
        .order_by("complex_id")
    )


def grades_by_complex(*, year: int) -> dict[int, str]:
    return dict(Evaluation.objects.shown().filter(year=year).values_list("complex_id", "grade"))


def evaluation_list():
    return (
        Evaluation.objects.select_related("complex", "complex__region", "scheme")
        .with_ranked_of()
        .order_by("-year", "category", "rank", "complex_id")
    )


def evaluations(*, user, filters: Filters = NO_FILTERS):
    """The results a user may see under validated ``EvaluationFilter`` filters: each year's
    published revision (its draft while nothing is published), or the drafts with
    ``revision=draft``, which the filter offers only to those who may see drafts."""
    rows = evaluation_list().in_scope(user).select_related("complex__region__parent")
    if filters.get("revision") != RevisionStatus.DRAFT:
        rows = rows.shown()
    return filtered(EvaluationFilter, rows, filters)


def results(*, user, filters: Filters = NO_FILTERS):
    """The rankings page and table: officials' results without their breakdowns; anyone else
    is refused."""
    policy.page_requires(user, "results.view")
    return evaluations(user=user, filters=filters).defer("breakdown")


def published_results():
    """The open dataset of results: every year's published revision, the same for everyone.
    Never a draft (not even of a year with nothing published, which ``shown()`` would give),
    nor a superseded or discarded revision."""
    return (
        Evaluation.objects.filter(status=RevisionStatus.PUBLISHED)
        .defer("breakdown")
        .select_related("complex__region__parent", "run")
        .order_by("-year", "category", "rank", "complex_id")
    )


def pending_removal_proposals(*, user):
    """Removals proposed after two consecutive fails, waiting for the province, in scope."""
    return (
        ManagementDecision.objects.in_scope(user)
        .filter(kind=ManagementKind.PROPOSE_REMOVAL, proposal_status=ProposalStatus.PENDING)
        .annotate(
            hearing_on=Subquery(current_hearings(OuterRef("complex")).values("held_on")[:1]),
            hearing_outcome=Subquery(current_hearings(OuterRef("complex")).values("outcome")[:1]),
        )
        .select_related("complex")
    )


def rectifications_awaiting_recheck(*, user):
    """Complexes put into rectification whose re-check is not recorded yet, in scope, the
    earliest deadline first; ``overdue`` marks those past their deadline."""
    today = timezone.localdate()
    return (
        ManagementDecision.objects.in_scope(user)
        .filter(
            kind=ManagementKind.RECTIFY,
            recheck_outcome=RecheckOutcome.PENDING,
            complex__status=Status.RECTIFYING,
        )
        .annotate(overdue=ExpressionWrapper(Q(deadline__lt=today), output_field=BooleanField()))
        .select_related("complex")
        .order_by("deadline", "complex_id")
    )


def latest_recompute_job() -> Job | None:
    return Job.objects.filter(kind=JobKind.RECOMPUTE).first()


def top_ranked(*, year: int, region_code: str, limit: int) -> dict[str, list[Evaluation]]:
    """The best ``limit`` results of each category among the region's complexes, in two queries.

    The rank shown is the province-wide rank in the category, as published.
    """
    # The window picks the ids alone, then the rows are read by those ids with their joins and
    # peer count (``ranked_of``, a subquery per row). Read in one statement, the planner
    # expected hundreds of rows and hashed every complex's wide row for the join (5.7 ms at
    # scale 10 against 3 ms for both statements); over the whole year its estimated cost made
    # PostgreSQL compile the query (JIT: 140 ms of a 230 ms query).
    best = list(
        Evaluation.objects.shown()
        .filter(year=year, complex__region__code__startswith=subtree_prefix(region_code))
        .annotate(
            place=Window(RowNumber(), partition_by=F("category"), order_by=[F("rank"), F("pk")])
        )
        .filter(place__lte=limit)
        .values_list("pk", flat=True)
    )
    rows = (
        evaluation_list().filter(pk__in=best).defer("breakdown").order_by("category", "rank", "pk")
    )
    tables: dict[str, list[Evaluation]] = defaultdict(list)
    for evaluation in rows:
        tables[evaluation.category].append(evaluation)
    return dict(tables)


def publication(*, year: int) -> Publication | None:
    return Publication.objects.filter(year=year).prefetch_related("schemes").first()


def published_years() -> list[int]:
    """The years whose results the province has published, newest first."""
    return list(
        EvaluationRun.objects.filter(status=RevisionStatus.PUBLISHED)
        .order_by("-year")
        .values_list("year", flat=True)
    )


def year_is_published(year: int) -> bool:
    """Whether the province has published the year's results (its items then stay as they
    are)."""
    return EvaluationRun.objects.filter(year=year, status=RevisionStatus.PUBLISHED).exists()


def result_years() -> list[int]:
    """The years that have evaluation results, newest first."""
    return list(Evaluation.objects.order_by("-year").values_list("year", flat=True).distinct())


def default_year() -> int:
    """The year every page, PDF and export opens on when none is asked for: the latest year with
    evaluation results (the calendar year has none until the next spring's evaluation), else
    the calendar year."""
    latest = Evaluation.objects.order_by("-year").values_list("year", flat=True).first()
    return latest if latest is not None else timezone.localdate().year


def with_default_year(data):
    """The results page's query string, for the default year (``selectors.default_year``: the
    latest with results) unless one is asked for."""
    if data and data.get("year"):
        return data
    chosen = data.copy() if data else {}
    chosen["year"] = str(default_year())
    return chosen


@dataclass(frozen=True)
class YearOption:
    """A year of a year picker, marked when its results are published."""

    year: int
    published: bool

    @property
    def label(self) -> str:
        if self.published:
            return _("%(year)s · results published") % {"year": self.year}
        return str(self.year)


def year_options(years, *, published: set[int] | None = None) -> list[YearOption]:
    """``years`` for a picker, newest first, each marked when its results are published
    (``published``: ``published_years()`` when the caller has read them already)."""
    published = set(published_years()) if published is None else published
    return [YearOption(year, year in published) for year in sorted(set(years), reverse=True)]


def category_benchmarks(*, year: int, category: str) -> dict[str, dict[str, Decimal | None]]:
    """The category's median and best points per indicator and overall, for one year, and the
    lowest and highest value of each indicator (the ends its scores were normalised between)."""
    rows = (
        Evaluation.objects.shown()
        .filter(year=year, category=category)
        .values_list("score", "breakdown")
    )
    points: dict[str, list[Decimal]] = defaultdict(list)
    values: dict[str, list[Decimal]] = defaultdict(list)
    scores = []
    for score, breakdown in rows:
        scores.append(score)
        for line in breakdown:
            points[line["indicator"]].append(Decimal(line["points"]))
            if line["value"] is not None:
                values[line["indicator"]].append(Decimal(line["value"]))
    benchmarks = {
        code: {
            "median": median(earned),
            "best": max(earned),
            "lowest": min(values[code], default=None),
            "highest": max(values[code], default=None),
        }
        for code, earned in points.items()
    }
    benchmarks["score"] = {"median": median(scores), "best": max(scores, default=None)}
    return benchmarks


def complex_reports(*, complex_id: int) -> list[AnnualReport]:
    return list(AnnualReport.objects.filter(complex_id=complex_id).order_by("-year"))


def latest_evaluation(*, complex_id: int) -> Evaluation | None:
    return (
        Evaluation.objects.shown()
        .filter(complex_id=complex_id)
        .with_ranked_of()
        .order_by("-year")
        .first()
    )


def points_by_dimension(*, evaluation: Evaluation) -> list[dict]:
    """The result's points and the weight they were earned from, per dimension of the
    catalogue, in the catalogue's order of dimensions."""
    dimension_of = dict(Indicator.objects.values_list("code", "dimension"))
    totals = {value: {"points": Decimal(0), "weight": Decimal(0)} for value in Dimension.values}
    for line in evaluation.breakdown:
        total = totals[dimension_of[line["indicator"]]]
        total["points"] += Decimal(line["points"])
        total["weight"] += Decimal(line["weight"])
    return [
        {"dimension": label, **totals[value]}
        for value, label in Dimension.choices
        if totals[value]["weight"]
    ]


# Explained scores and bonus/penalty items -----------------------------------------------------


def score_history(*, complex_id: int) -> list[Evaluation]:
    """A complex's results over the years, newest first, each with ``ranked_of``."""
    return list(
        Evaluation.objects.shown()
        .filter(complex_id=complex_id)
        .select_related("scheme", "run")
        .with_ranked_of()
        .order_by("-year")
    )


@dataclass(frozen=True)
class ExplainedScore:
    explanation: Explanation
    # The category's median and best score.
    overall: dict
    # The year's bonus and penalty items of any status, each with its scheme item (or None).
    adjustments: list[tuple[Adjustment, AdjustmentItem | None]]
    # The approved ones the result counted (approved before it was computed).
    counted: list[Adjustment]


def score_explanation(*, evaluation: Evaluation) -> ExplainedScore:
    """Everything the score page and the PDF say about how ``evaluation`` came about: each
    indicator's formula, rescaled weights, the bonus and penalty items and the total."""
    prefetch_related_objects(
        [evaluation.scheme],
        Prefetch("weights", queryset=SchemeWeight.objects.select_related("indicator")),
        "adjustment_items",
    )
    items = {item.code: item for item in evaluation.scheme.adjustment_items.all()}
    computed = evaluation.run
    adjustments = list(
        Adjustment.objects.filter(complex_id=evaluation.complex_id, year=evaluation.year)
        .select_related("proposed_by", "decided_by", "withdrawn_by")
        .order_by("proposed_at", "pk")
    )
    counted = [
        adjustment
        for adjustment in adjustments
        if adjustment.status == AdjustmentStatus.APPROVED
        and computed is not None
        and adjustment.decided_at <= computed.computed_at
    ]
    benchmarks = category_benchmarks(year=evaluation.year, category=evaluation.category)
    return ExplainedScore(
        explanation=explain(
            evaluation=evaluation,
            benchmarks=benchmarks,
            indicators=indicators_by_code(),
            adjustment_points=sum(
                (items[a.item_code].points for a in counted if a.item_code in items), Decimal(0)
            ),
        ),
        overall=benchmarks.get("score", {}),
        adjustments=[(adjustment, items.get(adjustment.item_code)) for adjustment in adjustments],
        counted=counted,
    )


def adjustment_items(*, year: int) -> dict[tuple[str, str], AdjustmentItem]:
    """The bonus and penalty items of the schemes in force in ``year`` (``scheme_for`` of each
    category, in two queries), by (category, code)."""
    in_force = (
        EvaluationScheme.objects.filter(year__lte=year)
        .order_by("category", "-year", "-version")
        .distinct("category")
        .prefetch_related("adjustment_items")
    )
    return {
        (scheme.category, item.code): item
        for scheme in in_force
        for item in scheme.adjustment_items.all()
    }


def adjustments(*, user, filters: Filters = NO_FILTERS):
    """The bonus and penalty items an official may see, under validated ``AdjustmentFilter``
    filters."""
    rows = (
        Adjustment.objects.in_scope(user, "adjustment.list")
        .select_related("complex", "complex__region", "proposed_by", "decided_by", "withdrawn_by")
        .order_by("-year", "-proposed_at", "-pk")
    )
    return filtered(AdjustmentFilter, rows, filters)


def adjustment_table(*, user, filters: Filters = NO_FILTERS):
    """The bonus and penalty items' page: officials only."""
    policy.page_requires(user, "adjustment.list")
    return adjustments(user=user, filters=filters)


def schemes_in_force(*, year: int) -> list[EvaluationScheme]:
    """The scheme in force for ``year`` in each category that has one, in the categories' order
    (``scheme_for`` without its weights and items)."""
    schemes = []
    for category in Category.values:
        scheme = (
            EvaluationScheme.objects.filter(category=category, year__lte=year)
            .order_by("-year", "-version")
            .first()
        )
        if scheme is not None:
            schemes.append(scheme)
    return schemes


def indicator_catalogue(*, year: int) -> dict:
    """Every indicator by dimension, each with its weight in the schemes in force for ``year``
    (None where a scheme does not weigh it)."""
    schemes = schemes_in_force(year=year)
    weights = {
        (scheme_id, indicator_id): weight
        for scheme_id, indicator_id, weight in SchemeWeight.objects.filter(
            scheme__in=schemes
        ).values_list("scheme_id", "indicator_id", "weight")
    }
    by_dimension = defaultdict(list)
    for indicator in Indicator.objects.select_related("counterpart"):
        by_dimension[indicator.dimension].append(
            {
                "indicator": indicator,
                "weights": [weights.get((scheme.pk, indicator.pk)) for scheme in schemes],
            }
        )
    return {
        "year": year,
        "schemes": schemes,
        "dimensions": [
            (label, by_dimension[value])
            for value, label in Dimension.choices
            if by_dimension[value]
        ],
    }


# The reported indicators a surveyed impact answer is read against (services' impact follow-up):
# the survey's revenue change beside the cluster revenue's growth, its R&D spend change beside
# the cluster R&D spend's growth.
SELF_REPORTED_GROWTH = {"revenue_change": "cluster_revenue", "rd_spend_change": "cluster_rd_spend"}


def reported_growth(*, complex_ids) -> dict[int, dict]:
    """Per complex, the growth in percent the complex reported itself of each indicator of
    ``SELF_REPORTED_GROWTH``: its latest approved report against the approved report of the year
    before. ``{complex_id: {"year": Y, "revenue_change": Decimal | None, ...}}``; one query."""
    values = (
        ReportValue.objects.filter(
            report__complex_id__in=complex_ids,
            report__status=ReportStatus.APPROVED,
            indicator__code__in=SELF_REPORTED_GROWTH.values(),
        )
        .order_by()
        .values_list("report__complex_id", "report__year", "indicator__code", "value")
    )
    by_complex: dict[int, dict[int, dict[str, Decimal]]] = {}
    for complex_id, year, code, value in values:
        by_complex.setdefault(complex_id, {}).setdefault(year, {})[code] = value
    growth = {}
    for complex_id, years in by_complex.items():
        latest = max(years)
        before = years.get(latest - 1, {})
        row = {"year": latest}
        for answer, code in SELF_REPORTED_GROWTH.items():
            now, then = years[latest].get(code), before.get(code)
            row[answer] = (now - then) * 100 / then if now is not None and then else None
        growth[complex_id] = row
    return growth
