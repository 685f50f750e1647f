"""Read queries of funding, shared by the pages and the API."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Concat, Greatest, Left
from django.http import Http404
from django.shortcuts import get_object_or_404

from complexes.models import Complex, Region
from evaluation.models import Grade
from evaluation.selectors import default_year
from portal import policy
from portal.filtering import NO_FILTERS, Filters, filtered

from . import inputs
from .allocation import allocate
from .filters import AllocationFilter
from .models import Allocation, AllocationDecision, AllocationStatus, RuleSet
from .services import candidates_for, current_rule_set, rules_for

ZERO = Decimal("0.00")


def allocations_in_force(*, user, year: int | None = None) -> QuerySet[Allocation]:
    """The allocations a user may see: published rows, and for officials the drafts of a year
    nobody has decided on yet. Operators see only their own complex's published rows."""
    rows = Allocation.objects.in_scope(user)
    if year is not None:
        rows = rows.filter(year=year)
    published = Q(status=AllocationStatus.PUBLISHED)
    if policy.can(user, "funding.view_drafts"):
        undecided = ~Exists(
            AllocationDecision.objects.filter(year=OuterRef("year"), replaced_by__isnull=True)
        )
        published |= Q(status=AllocationStatus.DRAFT) & undecided
    return with_table_detail(rows.filter(published))


def allocations(*, user, filters: Filters = NO_FILTERS) -> QuerySet[Allocation]:
    """The allocations of every year under validated ``AllocationFilter`` filters: those in
    force, or, for an official asking for a status (drafts, superseded rows), every row in
    scope."""
    if "status" in filters and policy.can(user, "funding.view_drafts"):
        rows = with_table_detail(Allocation.objects.in_scope(user))
    else:
        rows = allocations_in_force(user=user)
    return filtered(AllocationFilter, rows, filters)


def published_allocations():
    """The open dataset of allocations: the published rows in force, the same for everyone;
    never a draft, nor a published row a later decision superseded."""
    return (
        Allocation.objects.filter(status=AllocationStatus.PUBLISHED)
        .select_related("complex__region__parent", "decision")
        .order_by("-year", "complex__code")
    )


def allocation_year(filters: Filters) -> int:
    """The year of the allocation table: the one asked for, else the latest with evaluation
    results (``evaluation.selectors.default_year``), which the allocation shares out."""
    if filters.get("year"):
        return int(filters["year"])
    return default_year()


def allocation_table(*, user, filters: Filters = NO_FILTERS) -> QuerySet[Allocation]:
    """The allocation page and table: the allocations of the year (``allocation_year``) under
    validated ``AllocationFilter`` filters, as ``allocations`` chooses them (those in force, or
    an official's chosen status, such as the draft revision of a published year); officials and
    operators only."""
    policy.page_requires(user, "funding.view")
    return allocations(user=user, filters={**filters, "year": allocation_year(filters)})


def draft_count(*, year: int) -> int:
    """How many draft rows the year holds (every complex's, whatever the reader's scope: the
    recompute's answer to the province)."""
    return Allocation.objects.filter(year=year, status=AllocationStatus.DRAFT).count()


def draft_revision(*, user, year: int) -> dict | None:
    """The drafts of a published year in the user's scope (officials only): how many, their
    total and how many differ in amount from the published row. ``None`` when there is none."""
    if not policy.can(user, "funding.view_drafts"):
        return None
    same_published_amount = Allocation.objects.filter(
        year=OuterRef("year"),
        complex_id=OuterRef("complex_id"),
        status=AllocationStatus.PUBLISHED,
        provincial_amount=OuterRef("provincial_amount"),
    )
    summary = (
        Allocation.objects.in_scope(user)
        .filter(year=year, status=AllocationStatus.DRAFT)
        .order_by()
        .aggregate(
            complexes=Count("id"),
            total=Coalesce(Sum("provincial_amount"), ZERO),
            changed=Count("id", filter=~Exists(same_published_amount)),
        )
    )
    return summary if summary["complexes"] else None


def decision_in_force(*, year: int) -> AllocationDecision | None:
    """The publication of the year's allocations in force, if any."""
    return (
        AllocationDecision.objects.in_force()
        .filter(year=year)
        .select_related("decided_by", "rule_set")
        .first()
    )


def with_table_detail(rows: QuerySet[Allocation]) -> QuerySet[Allocation]:
    return rows.select_related("complex", "complex__region", "complex__region__parent").order_by(
        "year", "complex__code"
    )


def allocation_totals(rows: QuerySet[Allocation]) -> dict:
    """Sums over the rows, with the number of complexes and of those short of their match."""
    money = {
        name: Coalesce(Sum(name), ZERO)
        for name in (
            "provincial_amount",
            "required_local_match",
            "required_host_investment",
            "reported_local_match",
            "reported_host_investment",
        )
    }
    return rows.order_by().aggregate(
        complexes=Count("id"), shortfalls=Count("id", filter=Q(compliant=False)), **money
    )


def matching_rollup(rows: QuerySet[Allocation], *, by: str) -> list[dict]:
    """Totals per city (``by="city"``) or per county-level division (``by="county"``)."""
    if by == "city":
        key = Concat(Left("complex__region_id", 4), Value("00"))
    elif by == "county":
        key = Left("complex__region_id", 6)
    else:
        raise ValueError(by)
    groups = list(
        rows.order_by()
        .annotate(
            region_code=key,
            row_local_shortfall=_shortfall("required_local_match", "reported_local_match"),
            row_host_shortfall=_shortfall("required_host_investment", "reported_host_investment"),
        )
        .values("region_code")
        .annotate(
            complexes=Count("id"),
            noncompliant=Count("id", filter=Q(compliant=False)),
            provincial_amount=Sum("provincial_amount"),
            required_local_match=Sum("required_local_match"),
            reported_local_match=Coalesce(Sum("reported_local_match"), ZERO),
            required_host_investment=Sum("required_host_investment"),
            reported_host_investment=Coalesce(Sum("reported_host_investment"), ZERO),
            local_shortfall=Sum("row_local_shortfall"),
            host_shortfall=Sum("row_host_shortfall"),
        )
        .order_by("region_code")
    )
    names = dict(
        Region.objects.filter(code__in=[g["region_code"] for g in groups]).values_list(
            "code", "name"
        )
    )
    for group in groups:
        group["region_name"] = names.get(group["region_code"], group["region_code"])
    return groups


def _shortfall(required: str, reported: str):
    return Greatest(Value(ZERO), F(required) - Coalesce(F(reported), Value(ZERO)))


def funding_history(*, complex_: Complex) -> list[Allocation]:
    """A complex's published funding by year: province, city/county and host unit, with the
    decision that published it."""
    return list(
        Allocation.objects.filter(complex=complex_, status=AllocationStatus.PUBLISHED)
        .select_related("decision")
        .order_by("-year")
    )


def allocation_years() -> list[int]:
    years = set(Allocation.objects.order_by("year").values_list("year", flat=True).distinct())
    years |= set(
        RuleSet.objects.filter(year__isnull=False)
        .order_by("year")
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(years, reverse=True)


@dataclass(frozen=True)
class SimulatedRow:
    complex: Complex
    kind: str
    grade: str | None
    score: Decimal | None
    amount: Decimal
    # The current draft's amount (the published one when the year keeps no draft).
    current: Decimal | None
    published: Decimal | None
    capped: bool

    @property
    def grade_label(self) -> str:
        """The grade in the reader's language (优秀, Excellent), not its code."""
        return Grade(self.grade).label if self.grade else ""

    @property
    def difference(self) -> Decimal:
        return self.amount - (self.current or ZERO)


@dataclass(frozen=True)
class Simulation:
    year: int
    rule_set: RuleSet
    rows: list[SimulatedRow]
    total: Decimal
    unallocated: Decimal
    current_total: Decimal
    by_city: list[dict]
    # What "current" is: the year's drafts ("draft"), else its published rows ("published"),
    # else nothing ("").
    current_status: str
    published_total: Decimal | None


def allocation_simulation(
    *,
    year: int,
    pool: Decimal | None = None,
    floor: Decimal | None = None,
    cap: Decimal | None = None,
    multipliers: dict[str, Decimal] | None = None,
) -> Simulation:
    """What the year's allocation would be with other parameters, beside the current one.

    Reads only: nothing is saved. Omitted parameters take the year's rule set.
    """
    rule_set = current_rule_set(year=year)
    run = inputs.evaluation_results(year=year)
    outcome = allocate(
        candidates_for(rule_set=rule_set, run=run),
        rules_for(rule_set, pool=pool, floor=floor, cap=cap, multipliers=multipliers),
    )
    complexes = Complex.objects.select_related("region", "region__parent").in_bulk(
        [share.key for share in outcome.shares]
    )
    drafts, published = _current_amounts(year=year)
    current = drafts or published
    rows = [
        SimulatedRow(
            complex=complexes[share.key],
            kind=share.kind.value,
            grade=run.results[share.key].grade if share.key in run.results else None,
            score=run.results[share.key].score if share.key in run.results else None,
            amount=share.amount,
            current=current.get(share.key),
            published=published.get(share.key),
            capped=share.capped,
        )
        for share in outcome.shares
    ]
    rows.sort(key=lambda row: row.complex.code)
    return Simulation(
        year=year,
        rule_set=rule_set,
        rows=rows,
        total=outcome.total,
        unallocated=outcome.unallocated,
        current_total=sum((amount for amount in current.values()), ZERO),
        by_city=_by_city(rows),
        current_status=(
            AllocationStatus.DRAFT if drafts else AllocationStatus.PUBLISHED if published else ""
        ),
        published_total=sum(published.values(), ZERO) if published else None,
    )


def _current_amounts(*, year: int) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """The year's draft and published amounts by complex, in one query."""
    amounts: dict[str, dict[int, Decimal]] = {
        AllocationStatus.DRAFT: {},
        AllocationStatus.PUBLISHED: {},
    }
    for complex_id, status, amount in Allocation.objects.filter(
        year=year, status__in=list(amounts)
    ).values_list("complex_id", "status", "provincial_amount"):
        amounts[status][complex_id] = amount
    return amounts[AllocationStatus.DRAFT], amounts[AllocationStatus.PUBLISHED]


def _by_city(rows: list[SimulatedRow]) -> list[dict]:
    cities: dict[str, dict] = {}
    for row in rows:
        region = row.complex.region
        city = region.parent if region.level == "county" and region.parent else region
        totals = cities.setdefault(
            city.code,
            {"code": city.code, "name": city.name, "amount": ZERO, "current": ZERO, "complexes": 0},
        )
        totals["amount"] += row.amount
        totals["current"] += row.current or ZERO
        totals["complexes"] += 1
    for totals in cities.values():
        totals["difference"] = totals["amount"] - totals["current"]
    return [cities[code] for code in sorted(cities)]


def allocation_report_part(*, complex_, year: int, user) -> dict:
    """The year's allocation of ``complex_`` that ``user`` may see, for the complex's
    evaluation report (``evaluation.complex_report``)."""
    return {
        "allocation": allocations_in_force(user=user, year=year).filter(complex=complex_).first()
    }


@dataclass(frozen=True)
class DecisionDocument:
    """What the decision document shows: the decision and its rows in the reader's scope.

    A reader who sees every complex gets the whole decision, with its pool and unallocated
    rest; any other reader (a city or county official, an operator) gets the extract of the
    rows in their scope, with the totals of those rows only."""

    decision: AllocationDecision
    rows: list[Allocation]
    totals: dict
    whole: bool


def decision_document(*, user, pk: int) -> DecisionDocument:
    """The decision ``pk`` as its document; 404 when none of its rows is in the user's scope."""
    policy.page_requires(user, "funding.view")
    decision = get_object_or_404(
        AllocationDecision.objects.select_related("rule_set", "replaces"), pk=pk
    )
    rows = with_table_detail(Allocation.objects.in_scope(user).filter(decision=decision))
    totals = allocation_totals(rows)
    if not totals["complexes"]:
        raise Http404
    return DecisionDocument(
        decision=decision,
        rows=list(rows),
        totals=totals,
        whole=policy.scope_of(user, "funding.view") == policy.ALL,
    )
