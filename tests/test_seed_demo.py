import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from accounts.models import Role, User
from complexes.models import Complex, Institution, Level, Status

from . import factories

pytestmark = pytest.mark.django_db


# The registry's demo is what this file checks; tests/services/test_demo.py seeds everything.
REGISTRY = ["accounts", "complexes"]


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, only=REGISTRY, **options)
    return out.getvalue()


def fingerprint() -> str:
    rows = Complex.objects.order_by("code").values_list(
        "code", "name", "level", "category", "status", "founded_year", "longitude"
    )
    members = Institution.objects.order_by("complex__code", "name", "credit_code").values_list(
        "complex__code", "name", "type", "credit_code"
    )
    return hashlib.sha256(repr((list(rows), list(members))).encode()).hexdigest()


def test_scale_1_has_the_seeds_proportions():
    output = seed()
    complexes = Complex.objects.all()
    # 168 seeded, and one removed complex applied again as a new one.
    assert complexes.count() == 169
    provincial = complexes.filter(level=Level.PROVINCIAL)
    assert provincial.count() == 65
    assert dict(provincial.values_list("category").annotate(n=Count("id"))) == {
        "traditional": 38,
        "emerging": 27,
    }
    # About 44 members per provincial complex (2,864 for 65 in the seeds).
    per_provincial = Institution.objects.filter(complex__level=Level.PROVINCIAL).count() / 65
    assert 40 <= per_provincial <= 48
    for name in ("余杭家纺", "永康五金", "诸暨大唐袜业", "海宁皮革", "杭州下沙生物医药"):
        assert complexes.filter(name__startswith=name).exists()
    assert complexes.filter(status=Status.OPERATING).count() > 100
    # Each complex's current status is the end of its recorded history.
    for complex_ in complexes.prefetch_related("status_changes")[:40]:
        assert complex_.status_changes.all()[0].to_status == complex_.status
    assert "province" in output and "demo-pass-2026" in output


def test_demo_accounts_log_in_with_the_demo_password():
    seed()
    first_code = Complex.objects.order_by("code").values_list("code", flat=True).first()
    for username, role in [
        ("province", Role.PROVINCIAL_OFFICIAL),
        ("city-330700", Role.REGIONAL_OFFICIAL),
        ("county-330784", Role.REGIONAL_OFFICIAL),
        (f"op-{first_code}", Role.OPERATOR),
    ]:
        user = factories.authenticate(username=username, password="demo-pass-2026")
        assert user is not None and user.role == role, username
    assert User.objects.get(username="city-330700").region_id == "330700"
    assert User.objects.filter(role=Role.REGIONAL_OFFICIAL).count() == 101


def test_same_seed_same_data_other_seed_other_data():
    seed(seed=7)
    first = fingerprint()
    factories.wipe_demo_data()
    seed(seed=7)
    assert fingerprint() == first
    factories.wipe_demo_data()
    seed(seed=8)
    assert fingerprint() != first


def test_scale_multiplies_the_province():
    seed(scale=2, password="another-pass-1")
    assert Complex.objects.count() == 337
    assert Complex.objects.filter(level=Level.PROVINCIAL).count() == 130
    assert factories.authenticate(username="province", password="another-pass-1")


def test_refuses_a_seeded_database_unless_told_if_empty():
    seed()
    with pytest.raises(CommandError):
        seed()
    output = seed(if_empty=True)
    assert "already loaded" in output and "city-330700" in output
    assert Complex.objects.count() == 169


def test_the_whole_province_seeds_in_one_go():
    """What `make run` loads: every room's demo, the nightly computations included."""
    from dashboard.models import RegionFigure
    from evaluation.models import Adjustment, AnnualReport, Evaluation
    from funding.models import Allocation
    from services.models import ServiceRequest

    output = StringIO()
    call_command("seed_demo", stdout=output)
    assert Complex.objects.count() == 169
    assert ServiceRequest.objects.count() >= 140_000
    assert AnnualReport.objects.filter(status="approved").exists()
    assert Evaluation.objects.exists()
    # Bonus and penalty items in every status, by city and county officials.
    assert set(Adjustment.objects.values_list("status", flat=True)) == {
        "proposed",
        "approved",
        "rejected",
        "withdrawn",
    }
    assert not Adjustment.objects.filter(proposed_by__region__isnull=True).exists()
    assert Allocation.objects.exists()
    assert RegionFigure.objects.filter(region_id="330000").exists()
    assert "ent-" in output.getvalue()
    # The surveyed impact beside the reported one: on average below what complexes report.
    from dashboard.impact import impact_table

    rows = impact_table(user=factories.provincial_official())["rows"]
    pairs = [
        (row["revenue_change"], row["reported"]["revenue_change"])
        for row in rows
        if row["revenue_change"] is not None and row["reported"].get("revenue_change") is not None
    ]
    assert len(pairs) > 100
    assert sum(surveyed for surveyed, _ in pairs) < sum(reported for _, reported in pairs)


def test_the_funding_pool_grows_with_the_province():
    """At four times the province the scale-1 pool cannot pay every funded complex's floor: the
    demo's pools grow with the eligible complexes, and the evaluation's demo recomputation
    leaves the funding step to the funding demo, so seeding sends no refusal to the province
    and every evaluated year is allocated."""
    from accounts.models import Notification
    from evaluation.models import Publication
    from evaluation.recompute import recompute_year_default
    from funding.models import Allocation, AllocationStatus, RuleSet
    from funding.services import allocations_after_evaluation

    call_command(
        "seed_demo",
        scale=4,
        only=["accounts", "complexes", "evaluation", "funding"],
        stdout=StringIO(),
    )
    default_pool = RuleSet.objects.defaults().get().pool
    assert not Notification.objects.filter(recipient__role=Role.PROVINCIAL_OFFICIAL).exists()
    years = sorted(Publication.objects.values_list("year", flat=True))
    assert len(years) == 3
    for year in years:
        assert RuleSet.objects.for_year(year).first().pool > default_pool
        status = AllocationStatus.DRAFT if year == years[-1] else AllocationStatus.PUBLISHED
        funded = Allocation.objects.filter(year=year, status=status, provincial_amount__gt=0)
        assert funded.count() > 65, year
    # The nightly run (what the bench times) allocates instead of refusing.
    assert allocations_after_evaluation(year=recompute_year_default()) is not None
    assert not Notification.objects.exists()
