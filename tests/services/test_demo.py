"""The demo services: real material in every status, reconciled vouchers, same seed same data."""

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from complexes.models import Complex
from services.models import (
    ApplicationStatus,
    Deliverable,
    Enterprise,
    EnterpriseClaim,
    EntryKind,
    Offering,
    RequestStatus,
    ServiceRequest,
    Voucher,
    VoucherApplication,
    VoucherEntry,
)
from tests import factories

pytestmark = pytest.mark.django_db
HOLDING = ["submitted", "accepted", "in_progress", "delivered"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """The demo's business licences are written to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path


def seed(**options):
    # The rooms the service records stand on; tests/test_seed_demo.py seeds the whole province.
    call_command(
        "seed_demo", stdout=StringIO(), only=["accounts", "complexes", "services"], **options
    )


def fingerprint() -> str:
    """The demo's content, not its ids: ids come from sequences that other tests move on."""
    requests = ServiceRequest.objects.order_by(
        "submitted_at", "enterprise__credit_code", "offering__title", "status"
    ).values_list(
        "offering__title", "enterprise__credit_code", "status", "voucher_amount", "rating",
        "submitted_at",
    )[::97]  # fmt: skip
    entries = VoucherEntry.objects.order_by("at", "kind", "amount").values_list(
        "kind", "amount", "at"
    )[::13]
    return hashlib.sha256(repr((list(requests), list(entries))).encode()).hexdigest()


def test_scale_1_gives_every_status_ratings_vouchers_and_logins():
    seed()
    assert Enterprise.objects.count() == 3000
    assert ServiceRequest.objects.count() == 150_000
    # Every complex offers services but the one applying again, which has no members yet.
    without = Complex.objects.annotate(n=Count("offerings")).filter(n=0)
    assert [complex_.predecessor_id is not None for complex_ in without] == [True]
    assert Offering.objects.filter(voucher_eligible=True).count() > Offering.objects.count() / 2
    by_status = dict(
        ServiceRequest.objects.order_by().values_list("status").annotate(n=Count("id"))
    )
    assert set(by_status) == set(RequestStatus.values) and min(by_status.values()) > 0
    completed = ServiceRequest.objects.filter(status=RequestStatus.COMPLETED)
    assert not completed.filter(completed_at=None).exists()
    assert not completed.filter(rating=None, auto_confirmed=False).exists()
    assert completed.filter(voucher_amount__gt=0).count() > 1000
    # Every voucher's ledger reconciles with its balance and held amount.
    unbalanced = Voucher.objects.annotate(
        issued=Sum("entries__amount", filter=Q(entries__kind=EntryKind.ISSUE)),
        holds=Sum("entries__amount", filter=Q(entries__kind=EntryKind.HOLD), default=0),
        releases=Sum("entries__amount", filter=Q(entries__kind=EntryKind.RELEASE), default=0),
        consumed=Sum("entries__amount", filter=Q(entries__kind=EntryKind.CONSUME), default=0),
        lapsed_=Sum("entries__amount", filter=Q(entries__kind=EntryKind.LAPSE), default=0),
    ).exclude(
        issued=F("amount"),
        balance=F("issued") - F("holds") + F("releases") - F("lapsed_"),
        held=F("holds") - F("releases") - F("consumed"),
        lapsed=F("lapsed_"),
    )
    assert not unbalanced.exists()
    # Money is held from submission: each voucher holds exactly what its open requests use.
    holding = Voucher.objects.annotate(
        open_requests=Sum(
            "service_requests__voucher_amount",
            filter=Q(service_requests__status__in=HOLDING),
            default=0,
        )
    ).exclude(held=F("open_requests"))
    assert not holding.exists()
    assert ServiceRequest.objects.filter(status="submitted", voucher_amount__gt=0).exists()
    # Expired vouchers have nothing left to spend: their balance lapsed.
    assert not Voucher.objects.filter(expires_on__lt=timezone.localdate(), balance__gt=0).exists()
    assert VoucherEntry.objects.filter(kind=EntryKind.LAPSE).exists()
    # Voucher applications in every state; this year's vouchers were issued from one.
    by_state = dict(
        VoucherApplication.objects.order_by().values_list("status").annotate(n=Count("id"))
    )
    assert set(by_state) == set(ApplicationStatus.values) and min(by_state.values()) > 0
    this_year = Voucher.objects.filter(valid_from__year=timezone.localdate().year)
    assert this_year.filter(application__status="issued").count() == this_year.count()
    assert VoucherApplication.objects.filter(
        status="submitted", enterprise__region_id="330784"
    ).exists()
    assert VoucherEntry.objects.filter(kind=EntryKind.SETTLE).exists()
    # Most enterprises verified; one in 50 waits with its licence and has no voucher; one
    # registered code is claimed by a second party.
    pending = Enterprise.objects.filter(verified=False)
    assert pending.count() == 60 and not pending.filter(business_licence="").exists()
    assert not Voucher.objects.filter(enterprise__verified=False).exists()
    claim = EnterpriseClaim.objects.get()
    assert claim.status == "pending" and claim.enterprise.verified
    assert not claim.claimant.is_active
    enterprise = Enterprise.objects.order_by("pk").first()
    user = factories.authenticate(
        username=f"ent-{enterprise.credit_code}", password="demo-pass-2026"
    )
    assert user is not None and user.enterprise == enterprise
    # The request journey (issue 16): quotes for offerings on quotation, files handed over,
    # deliveries confirmed by the nightly job, late answers and deliveries.
    quoted = ServiceRequest.objects.filter(status=RequestStatus.QUOTED)
    assert not quoted.filter(Q(quoted_price=None) | Q(offering__price__isnull=False)).exists()
    assert not quoted.exclude(voucher=None).exists()
    automatic = completed.filter(auto_confirmed=True)
    assert automatic.count() > 100 and not automatic.exclude(rating=None).exists()
    assert VoucherEntry.objects.filter(
        kind=EntryKind.CONSUME, service_request__auto_confirmed=True, actor=None
    ).exists()
    assert Deliverable.objects.filter(request__status=RequestStatus.DELIVERED).exists()
    late = dict(
        ServiceRequest.objects.with_overdue()
        .filter(overdue=True)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    assert late.get(RequestStatus.SUBMITTED, 0) > 0 and late.get(RequestStatus.IN_PROGRESS, 0) > 0
    assert not ServiceRequest.objects.filter(
        status=RequestStatus.DELIVERED, delivered_at=None
    ).exists()
    # Every request has its timeline, ending in its current status.
    last = ServiceRequest.objects.order_by("pk").prefetch_related("events")[:200]
    for request_ in last:
        events = list(request_.events.all())
        assert events[0].to_status == "submitted" and events[-1].to_status == request_.status


def test_same_seed_same_services():
    seed(seed=11)
    first = fingerprint()
    factories.wipe_demo_data()
    seed(seed=11)
    assert fingerprint() == first


def test_the_demo_shows_settlement_reviews_in_every_state_and_a_few_fraud_signals():
    from services.models import FraudFlag, SettlementReview, SettlementReviewState

    seed()
    states = set(SettlementReview.objects.values_list("state", flat=True))
    assert states == set(SettlementReviewState.values)
    paid = SettlementReview.objects.filter(state=SettlementReviewState.PAID)
    assert all(review.amount == review.settlement.amount for review in paid)
    flagged = FraudFlag.objects.count()
    assert 0 < flagged < ServiceRequest.objects.count() / 100
    assert FraudFlag.objects.open().count() == flagged - 1
    assert not Enterprise.objects.filter(legal_representative="").exists()


def test_the_demo_followed_up_the_services_of_a_year_ago():
    from datetime import datetime, time, timedelta

    from django.db.models import Avg

    from services.impact import survey_due_before
    from services.models import ImpactSurvey, SurveyStatus

    seed()
    # The demo's clock is its day at 09:00 (portal time): between midnight and nine it is ahead
    # of the real one, and the surveys due then reach that many hours further back.
    demo_now = datetime.combine(
        timezone.localdate(), time(9), tzinfo=timezone.get_current_timezone()
    )
    year_ago = survey_due_before(demo_now)
    completed_long_ago = ServiceRequest.objects.filter(
        status=RequestStatus.COMPLETED, completed_at__lte=year_ago - timedelta(days=1)
    )
    surveyed = ImpactSurvey.objects.filter(request__in=completed_long_ago).count()
    assert surveyed == completed_long_ago.count() > 0
    assert not ImpactSurvey.objects.filter(request__completed_at__gt=year_ago).exists()
    statuses = dict(ImpactSurvey.objects.values_list("status").annotate(n=Count("pk")).order_by())
    assert set(statuses) == set(SurveyStatus.values)
    assert 0.4 < statuses[SurveyStatus.ANSWERED] / sum(statuses.values()) < 0.6
    means = ImpactSurvey.objects.filter(status=SurveyStatus.ANSWERED).aggregate(
        revenue=Avg("revenue_change"), rd=Avg("rd_spend_change")
    )
    # Below the complexes' own ≈10 % a year (evaluation/demo.py's YEARLY_GROWTH).
    assert 0 < means["revenue"] < 10 and 0 < means["rd"] < 10
