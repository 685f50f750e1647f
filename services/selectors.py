"""Read queries of services and vouchers, shared by pages and the API."""

from datetime import datetime
from decimal import Decimal

from django.db.models import Avg, Case, Count, DecimalField, Prefetch, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth, TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext as _

from complexes.selectors import region_names
from portal import policy
from portal.filtering import NO_FILTERS, Filters, filtered
from portal.policy import subtree_prefix

from .filters import (
    EnterpriseFilter,
    ImpactSurveyFilter,
    OfferingFilter,
    ServiceRequestFilter,
    VerificationFilter,
    VoucherApplicationFilter,
)
from .indicators import completed_in
from .models import (
    Enterprise,
    EnterpriseClaim,
    EntryKind,
    ImpactSurvey,
    Offering,
    RequestStatus,
    ServiceRequest,
    ServiceRequestEvent,
    SurveyStatus,
    Voucher,
    VoucherApplication,
    VoucherEntry,
    VoucherSettlement,
)

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def offering_catalogue(*, filters: Filters = NO_FILTERS):
    """Active offerings under validated ``OfferingFilter`` filters, with what a catalogue row
    shows, in one query. Public: the same rows for everyone."""
    rows = (
        Offering.objects.active()
        .select_related(
            "complex", "complex__region", "complex__region__parent", "institution", "stats"
        )
        .order_by("complex__code", "service_type", "title", "id")
    )
    return filtered(OfferingFilter, rows, filters)


def offering_map_points(*, filters: Filters = NO_FILTERS) -> list[dict]:
    """The complexes offering what the catalogue's filters select, with how many of those
    offerings each has: one aggregate query, for the catalogue's map."""
    return [
        {
            "code": row["complex__code"],
            "name": row["complex__name"],
            "value": [
                float(row["complex__longitude"]),
                float(row["complex__latitude"]),
                row["count"],
            ],
        }
        for row in offering_catalogue(filters=filters)
        .filter(complex__longitude__isnull=False, complex__latitude__isnull=False)
        .order_by()
        .values("complex__code", "complex__name", "complex__longitude", "complex__latitude")
        .annotate(count=Count("id"))
        .order_by("complex__code")
    ]


def complex_catalogue(*, complex_id: int, limit: int) -> list[Offering]:
    """The first ``limit`` active offerings of one complex, for its page."""
    return list(
        Offering.objects.active()
        .filter(complex_id=complex_id)
        .order_by("service_type", "title", "id")[:limit]
    )


def operator_catalogue(*, user):
    """Every offering of the operator's complex, active or not."""
    return (
        Offering.objects.in_scope(user)
        .select_related("institution", "complex")
        .annotate(request_count=Count("requests"))
        .order_by("-active", "service_type", "title", "id")
    )


def service_requests(*, user, filters: Filters = NO_FILTERS):
    """The requests a user may see under validated ``ServiceRequestFilter`` filters, with what
    a list row shows and the overdue marker."""
    rows = (
        ServiceRequest.objects.in_scope(user)
        .select_related("offering", "enterprise", "complex")
        .with_overdue()
        .order_by("-submitted_at", "-id")
    )
    return filtered(ServiceRequestFilter, rows, filters)


def service_request_rows(*, user, filters: Filters = NO_FILTERS):
    """The same requests as dicts of the shown values, for a table: no model instances, region
    names joined in by the database."""
    return (
        service_requests(user=user, filters=filters)
        .annotate(**region_names("complex__region"))
        .values(
            "pk",
            "submitted_at",
            "complex__code",
            "complex__name",
            "city_name",
            "county_name",
            "enterprise__name",
            "enterprise__credit_code",
            "offering__title",
            "offering__service_type",
            "status",
            "due_at",
            "completed_at",
            "overdue",
            "voucher_amount",
            "rating",
        )
    )


def service_request_detail(*, user, pk: int) -> ServiceRequest:
    return (
        service_requests(user=user)
        .select_related("voucher", "offering__institution", "complex__region")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=ServiceRequestEvent.objects.select_related("actor").order_by("at", "id"),
            ),
            "deliverables",
        )
        .get(pk=pk)
    )


def enterprises(*, user, filters: Filters = NO_FILTERS):
    """The enterprises a user may see under validated ``EnterpriseFilter`` filters."""
    rows = (
        Enterprise.objects.in_scope(user)
        .select_related("region", "region__parent")
        .order_by("name", "id")
    )
    return filtered(EnterpriseFilter, rows, filters)


def enterprise_list(*, user, filters: Filters = NO_FILTERS):
    """The officials' list of enterprises (page and table); anyone else is refused."""
    policy.page_requires(user, "enterprise.list")
    return enterprises(user=user, filters=filters)


def verification_queue(*, user, filters: Filters = NO_FILTERS):
    """Enterprises an official may verify under validated ``VerificationFilter`` filters (the
    waiting registrations unless another state is chosen), those waiting longest first."""
    rows = enterprises(user=user).order_by("verified", "created_at", "id")
    return filtered(VerificationFilter, rows, filters)


def pending_claims(*, user):
    """Claims on registered credit codes awaiting the decision of an official in scope."""
    return (
        EnterpriseClaim.objects.in_scope(user)
        .pending()
        .select_related("enterprise", "enterprise__region", "claimant")
        .order_by("created_at", "id")
    )


def vouchers(*, user):
    return (
        Voucher.objects.in_scope(user).select_related("enterprise").order_by("-valid_from", "-id")
    )


def voucher_list(*, user):
    """The vouchers page and table: officials' and enterprises' vouchers; anyone else is
    refused."""
    policy.page_requires(user, "voucher.list")
    return vouchers(user=user)


def usable_vouchers(*, enterprise_id: int):
    today = timezone.localdate()
    return Voucher.objects.filter(
        enterprise_id=enterprise_id, valid_from__lte=today, expires_on__gte=today, balance__gt=0
    ).order_by("expires_on", "id")


def voucher_ledger(*, voucher: Voucher):
    return voucher.entries.select_related("service_request", "actor").order_by("at", "id")


def voucher_ledger_totals(*, voucher_ids=None) -> dict[int, dict[str, Decimal]]:
    """Per voucher: issued, available, held now, consumed, lapsed and settled, summed from the
    ledger alone."""

    def total(*kinds):
        return Coalesce(Sum("amount", filter=Q(kind__in=kinds)), ZERO)

    entries = VoucherEntry.objects.all()
    if voucher_ids is not None:
        entries = entries.filter(voucher_id__in=voucher_ids)
    rows = (
        entries.order_by("voucher_id")
        .values("voucher_id")
        .annotate(
            issued=total(EntryKind.ISSUE),
            holds=total(EntryKind.HOLD),
            releases=total(EntryKind.RELEASE),
            consumed=total(EntryKind.CONSUME),
            lapsed=total(EntryKind.LAPSE),
            settled=total(EntryKind.SETTLE),
        )
    )
    return {
        row["voucher_id"]: {
            "issued": row["issued"],
            "held": row["holds"] - row["releases"] - row["consumed"],
            "balance": row["issued"] - row["holds"] + row["releases"] - row["lapsed"],
            "consumed": row["consumed"],
            "lapsed": row["lapsed"],
            "settled": row["settled"],
        }
        for row in rows
    }


def settlement_due(*, user, region_code: str | None = None):
    """Consumed voucher money not yet paid out, per complex and month (finished months)."""
    start_of_month = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    entries = VoucherEntry.objects.filter(
        kind=EntryKind.CONSUME, settlement__isnull=True, at__lt=start_of_month
    )
    # Owed to complexes: an official's scope is the complexes' region, not the enterprises'.
    scope = policy.scope_of(user, "settlement.view_due")
    if scope == policy.SUBTREE:
        entries = entries.filter(complex__region__code__startswith=subtree_prefix(user.region_id))
    elif scope != policy.ALL:
        return VoucherEntry.objects.none().values("complex_id")
    if region_code:
        entries = entries.filter(complex__region__code__startswith=subtree_prefix(region_code))
    return (
        entries.annotate(month=TruncMonth("at"))
        .order_by("month", "complex__code")
        .values("month", "complex_id", "complex__code", "complex__name")
        .annotate(amount=Sum("amount"), requests=Count("service_request_id"))
    )


def settlements(*, user):
    return (
        VoucherSettlement.objects.in_scope(user)
        .select_related("complex", "settled_by")
        .order_by("-month", "complex__code")
    )


def settlement_list(*, user):
    """The settlements page and table: officials' and operators'; anyone else is refused."""
    policy.page_requires(user, "settlement.list")
    return settlements(user=user).select_related("complex__region__parent")


def request_counts_by_status(*, user) -> dict[str, int]:
    counts = dict(
        ServiceRequest.objects.in_scope(user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {value: counts.get(value, 0) for value in RequestStatus.values}


def delivered_per_quarter(*, complex_id: int, quarters: int) -> list[tuple[str, int]]:
    """Requests of a complex completed in each of the last ``quarters`` quarters (this one
    included), oldest first, as (label, count); one grouped query."""
    today = timezone.localdate()
    starts = []
    year, quarter = today.year, (today.month - 1) // 3
    for _index in range(quarters):
        starts.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter else (year - 1, 3)
    starts.reverse()
    first_year, first_quarter = starts[0]
    first_day = datetime(first_year, first_quarter * 3 + 1, 1)
    counts = dict(
        ServiceRequest.objects.filter(
            complex_id=complex_id,
            status=RequestStatus.COMPLETED,
            completed_at__gte=timezone.make_aware(first_day),
        )
        .annotate(quarter=TruncQuarter("completed_at"))
        .order_by()
        .values_list("quarter")
        .annotate(n=Count("*"))
        .values_list("quarter", "n")
    )
    by_start = {(start.year, (start.month - 1) // 3): n for start, n in counts.items()}
    return [
        (
            _("%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter + 1},
            by_start.get((year, quarter), 0),
        )
        for year, quarter in starts
    ]


def mountain_county_services(*, user, complex_, year: int):
    """The evidence of the schemes' "serves 山区26县" bonus: the complex's services completed in
    ``year`` (as the derived indicators count them) for enterprises in one of the 26 mountain
    counties. For the officials in scope and the complex's operator."""
    policy.page_requires(user, "score.view")
    return (
        completed_in(year)
        .in_scope(user, "score.view")
        .filter(complex=complex_, enterprise__region__mountain_26=True)
        .select_related("enterprise__region__parent", "offering")
        .order_by("completed_at", "pk")
    )


def mountain_county_totals(rows) -> dict:
    """How many services, enterprises and counties ``mountain_county_services`` holds."""
    return rows.order_by().aggregate(
        services=Count("pk"),
        enterprises=Count("enterprise", distinct=True),
        counties=Count("enterprise__region", distinct=True),
    )


def voucher_applications(*, user, filters: Filters = NO_FILTERS):
    """The voucher applications a user may see (an enterprise its own, officials those of
    their region) under validated ``VoucherApplicationFilter`` filters, oldest open first."""
    rows = (
        VoucherApplication.objects.in_scope(user, "voucher_application.list")
        .select_related("enterprise", "enterprise__region", "voucher")
        .prefetch_related("planned_services")
        .order_by("-created_at", "-id")
    )
    return filtered(VoucherApplicationFilter, rows, filters)


def voucher_application_list(*, user, filters: Filters = NO_FILTERS):
    """The applications page: enterprises and officials; anyone else is refused."""
    policy.page_requires(user, "voucher_application.list")
    return voucher_applications(user=user, filters=filters)


def plannable_services(*, enterprise):
    """The services an enterprise may plan to pay with a voucher: active, voucher-eligible
    offerings of the complexes in its city."""
    city_prefix = subtree_prefix(enterprise.region.city_code)
    return (
        Offering.objects.active()
        .filter(voucher_eligible=True, complex__region__code__startswith=city_prefix)
        .select_related("complex")
        .order_by("complex__name", "title", "id")
    )


def impact_surveys(*, user, filters: Filters = NO_FILTERS):
    """The impact surveys whose answers a user may read (an enterprise its own, officials those
    of their region's complexes), open ones first, then the newest."""
    rows = (
        ImpactSurvey.objects.in_scope(user, "impact_survey.list")
        .select_related("request__offering", "complex", "enterprise")
        .order_by(Case(When(status=SurveyStatus.SENT, then=0), default=1), "-sent_at", "-id")
    )
    return filtered(ImpactSurveyFilter, rows, filters)


def impact_survey_list(*, user, filters: Filters = NO_FILTERS):
    """The surveys page: enterprises and officials; operators read aggregates only."""
    policy.page_requires(user, "impact_survey.list")
    return impact_surveys(user=user, filters=filters)


def pending_impact_surveys(*, enterprise_id: int):
    """The enterprise's open invitations, for its own pages (oldest deadline first)."""
    return (
        ImpactSurvey.objects.pending()
        .filter(enterprise_id=enterprise_id, expires_on__gte=timezone.localdate())
        .select_related("request__offering", "complex")
        .order_by("expires_on", "id")
    )


def impact_by_complex(*, user, region_code: str | None = None) -> dict:
    """Per complex the user may read aggregates of (``impact_aggregates``), optionally in a
    region's subtree."""
    rows = ImpactSurvey.objects.in_scope(user, "impact_survey.aggregate")
    if region_code:
        rows = rows.filter(complex__region__code__startswith=subtree_prefix(region_code))
    return impact_aggregates(rows)


def complex_impact(*, complex_id: int) -> dict | None:
    """One complex's aggregate, for its page (the caller has checked the scope)."""
    return impact_aggregates(ImpactSurvey.objects.filter(complex_id=complex_id)).get(complex_id)


def impact_aggregates(surveys) -> dict:
    """Per complex of ``surveys``: invitations, answers, the response rate in percent (answered
    / invited; expired invitations count as invited) and the answers' means and totals, in one
    SQL aggregate. ``{complex_id: row}``; a complex without invitations has no row."""
    answered = Q(status=SurveyStatus.ANSWERED)
    aggregates = (
        surveys.order_by()
        .values("complex_id")
        .annotate(
            invited=Count("pk"),
            answered=Count("pk", filter=answered),
            revenue_change=Avg("revenue_change", filter=answered),
            rd_spend_change=Avg("rd_spend_change", filter=answered),
            new_products=Sum("new_products", filter=answered),
            jobs_created=Sum("jobs_created", filter=answered),
            recommend_score=Avg(
                "recommend_score",
                filter=answered,
                output_field=DecimalField(max_digits=4, decimal_places=2),
            ),
        )
    )
    result = {}
    for row in aggregates:
        row["response_rate"] = Decimal(row["answered"] * 100) / row["invited"]
        result[row.pop("complex_id")] = row
    return result
