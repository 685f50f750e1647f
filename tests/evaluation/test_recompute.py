"""The recomputation in process: scores from approved reports, idempotency, dynamic management,
schemes frozen once published, the jobs endpoint and the advisory lock."""

from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from complexes.models import Category, Complex, ComplexStatusChange, Level, Status
from complexes.services import removal_hearing_record
from evaluation import recompute, services
from evaluation.models import (
    Evaluation,
    EvaluationScheme,
    ManagementDecision,
    ManagementKind,
    ProposalStatus,
    Publication,
)
from evaluation.revisions import revision_publish
from evaluation.selectors import scheme_for
from portal.exceptions import DomainError, InvalidTransition
from portal.models import Job, JobStatus
from tests import factories

from . import factories as evaluation
from .locks import recompute_lock_held_elsewhere

pytestmark = pytest.mark.django_db

YEAR = 2025
REPORTED = list(evaluation.TYPICAL_VALUES)


def flat(amount):
    """Every reported indicator at the same value, so normalised values are exact ratios."""
    return {code: Decimal(amount) for code in REPORTED}


@pytest.fixture
def province(db):
    complexes = {
        "a": factories.ComplexFactory(region=factories.region("330784")),
        "b": factories.ComplexFactory(region=factories.region("330782")),
        "c": factories.ComplexFactory(region=factories.region("330110")),
        "d": factories.ComplexFactory(
            region=factories.region("330108"), category=Category.EMERGING
        ),
        # Neither a city-level nor a constructing complex is evaluated by the province.
        "city_level": factories.ComplexFactory(level=Level.CITY),
        "constructing": factories.ComplexFactory(status=Status.CONSTRUCTING),
    }
    for key, amount in {"a": 1000, "b": 500, "c": 200, "d": 1000, "city_level": 1000}.items():
        evaluation.report(complexes[key], YEAR, "approved", flat(amount))
    evaluation.report(complexes["constructing"], YEAR, "approved", flat(5000))
    return complexes


def results(year=YEAR):
    return list(
        Evaluation.objects.filter(year=year)
        .order_by("category", "rank", "complex_id")
        .values_list("complex_id", "category", "score", "rank", "grade")
    )


def test_scores_ranks_and_grades_from_approved_reports(province):
    recompute.evaluation_recompute(year=YEAR)
    a, b, c, d = (province[key].pk for key in "abcd")
    # Traditional: 69 reported points, 11 registry and 12 services points at the base share
    # (zero members, zero services: zeros are values); no average rating anywhere (nothing to
    # average is missing), so its 8 points are left out → scaled by 100/92.
    # a: (69 + 11.5) × 100/92 = 87.50; b: (69 × 0.75 + 11.5) × 100/92; c: (69 × 0.6 + 11.5) ×
    # 100/92.
    assert results() == [
        (d, "emerging", Decimal("87.50"), 1, "excellent"),
        (a, "traditional", Decimal("87.50"), 1, "excellent"),
        (b, "traditional", Decimal("68.75"), 2, "pass"),
        (c, "traditional", Decimal("57.50"), 3, "fail"),
    ]
    line = next(
        line
        for line in Evaluation.objects.get(complex_id=b).breakdown
        if line["indicator"] == "cluster_rd_spend"
    )
    assert line == {
        "indicator": "cluster_rd_spend",
        "value": "500.00",
        "normalized": "0.5000",
        "weight": "10.8696",
        "points": "8.1522",
    }
    publication = Publication.objects.get(year=YEAR)
    assert {scheme.category for scheme in publication.schemes.all()} == {"traditional", "emerging"}
    # Computed, not yet published: the schemes stay editable until the province publishes.
    assert not any(scheme.is_frozen for scheme in publication.schemes.all())
    revision_publish(year=YEAR, actor=factories.provincial_official())
    assert all(scheme.is_frozen for scheme in publication.schemes.all())


def test_recomputing_twice_gives_identical_rows(province):
    recompute.evaluation_recompute(year=YEAR)
    first = list(Evaluation.objects.order_by("pk").values())
    decisions = list(ManagementDecision.objects.order_by("pk").values())
    history = ComplexStatusChange.objects.count()
    recompute.evaluation_recompute(year=YEAR)
    assert list(Evaluation.objects.order_by("pk").values()) == first
    assert list(ManagementDecision.objects.order_by("pk").values()) == decisions
    assert ComplexStatusChange.objects.count() == history


def row_versions() -> dict[int, str]:
    """Where each result's row version lies: an UPDATE writes a new version elsewhere."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT complex_id, ctid::text FROM evaluation_evaluation")
        return dict(cursor.fetchall())


def test_a_rerun_rewrites_only_the_results_that_changed_and_drops_the_vanished(province):
    recompute.evaluation_compute(year=YEAR)
    first, versions = results(), row_versions()
    recompute.evaluation_compute(year=YEAR)
    assert row_versions() == versions
    c = province["c"].pk
    Evaluation.objects.filter(complex_id=c).update(score=Decimal(0), rank=9, breakdown=[])
    tampered = row_versions()
    recompute.evaluation_compute(year=YEAR)
    assert results() == first
    assert {pk for pk, version in row_versions().items() if version != tampered[pk]} == {c}
    Complex.objects.filter(pk=c).update(status=Status.CONSTRUCTING)
    recompute.evaluation_compute(year=YEAR)
    assert c not in row_versions() and len(results()) == len(first) - 1


def test_a_fail_rectifies_a_second_fail_proposes_removal_a_pass_restores(province):
    c, b = province["c"], province["b"]
    recompute.evaluation_recompute(year=YEAR)
    c.refresh_from_db()
    assert c.status == Status.RECTIFYING
    rectify = ManagementDecision.objects.get(complex=c, year=YEAR)
    assert rectify.kind == ManagementKind.RECTIFY and rectify.deadline is not None
    change = ComplexStatusChange.objects.filter(complex=c).latest("changed_at")
    assert (change.from_status, change.to_status) == (Status.OPERATING, Status.RECTIFYING)
    assert "57.50" in change.reason

    # Next year: c fails again, b (put into rectification by hand) passes.
    services_actor = factories.provincial_official()
    from complexes.services import complex_change_status

    complex_change_status(
        complex_=b, to_status=Status.RECTIFYING, reason="抽查不合格", actor=services_actor
    )
    for key, amount in {"a": 1000, "b": 500, "c": 200}.items():
        evaluation.report(province[key], YEAR + 1, "approved", flat(amount))
    recompute.evaluation_recompute(year=YEAR + 1)
    proposal = ManagementDecision.objects.get(complex=c, year=YEAR + 1)
    assert (proposal.kind, proposal.proposal_status) == (
        ManagementKind.PROPOSE_REMOVAL,
        ProposalStatus.PENDING,
    )
    c.refresh_from_db()
    b.refresh_from_db()
    assert (c.status, b.status) == (Status.RECTIFYING, Status.OPERATING)
    assert ManagementDecision.objects.get(complex=b, year=YEAR + 1).kind == ManagementKind.RESTORE

    with pytest.raises(DomainError):  # no hearing recorded yet
        services.removal_decide(decision=proposal, confirm=True, actor=services_actor)
    removal_hearing_record(
        complex_=c, held_on=timezone.localdate(), outcome="运营方陈述", actor=services_actor
    )
    services.removal_decide(decision=proposal, confirm=True, actor=services_actor)
    c.refresh_from_db()
    assert c.status == Status.REMOVED
    assert (
        ComplexStatusChange.objects.filter(complex=c).latest("changed_at").changed_by
        == services_actor
    )
    with pytest.raises(InvalidTransition):
        services.removal_decide(decision=proposal, confirm=True, actor=services_actor)


def test_recomputing_a_past_year_changes_no_status(province):
    recompute.evaluation_recompute(year=YEAR)
    for key, amount in {"a": 1000, "b": 500}.items():
        evaluation.report(province[key], YEAR + 1, "approved", flat(amount))
    recompute.evaluation_recompute(year=YEAR + 1)
    ManagementDecision.objects.all().delete()
    recompute.evaluation_recompute(year=YEAR)
    assert not ManagementDecision.objects.exists()


def test_a_published_scheme_is_superseded_not_altered(province):
    official = factories.provincial_official()
    default = scheme_for(year=YEAR, category=Category.TRADITIONAL)
    weights = {w.indicator.code: w.weight for w in default.weights.all()}
    recompute.evaluation_recompute(year=YEAR)
    revision_publish(year=YEAR, actor=official)
    default.refresh_from_db()
    assert default.is_frozen

    changed = {**weights, "cluster_rd_spend": Decimal(5), "problems_solved": Decimal(15)}
    first = services.scheme_save(
        year=YEAR, category=Category.TRADITIONAL, actor=official, weights=changed
    )
    assert (first.year, first.version) == (YEAR, 1) and first.pk != default.pk
    again = services.scheme_save(
        year=YEAR,
        category=Category.TRADITIONAL,
        actor=official,
        weights=changed,
        pass_from=Decimal(55),
    )
    assert again.pk == first.pk and again.pass_from == 55
    assert {w.indicator.code: w.weight for w in default.weights.all()} == weights
    assert default.adjustment_items.count() == first.adjustment_items.count() == 5

    recompute.evaluation_recompute(year=YEAR)
    assert set(
        Evaluation.objects.drafts().filter(category="traditional").values_list("scheme", flat=True)
    ) == {first.pk}
    revision_publish(year=YEAR, actor=official)
    superseding = services.scheme_save(
        year=YEAR, category=Category.TRADITIONAL, actor=official, weights=weights
    )
    assert superseding.version == 2
    assert EvaluationScheme.objects.get(pk=first.pk).pass_from == 55


def test_scheme_weights_must_sum_to_100(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.scheme_save(
            year=YEAR,
            category=Category.TRADITIONAL,
            actor=factories.provincial_official(),
            weights={"cluster_rd_spend": Decimal(60), "tech_smes": Decimal(30)},
        )
    assert "weights" in error.value.message_dict
    assert not EvaluationScheme.objects.filter(year=YEAR).exists()


def test_approved_bonus_and_penalty_items_move_the_score(province):
    official = factories.provincial_official()
    for complex_, code in ((province["b"], "national_award"), (province["c"], "false_reporting")):
        proposed = services.adjustment_propose(
            complex_=complex_,
            year=YEAR,
            item_code=code,
            reason="省级核定",
            actor=factories.regional_official(complex_.region_id),
        )
        services.adjustment_decide(adjustment=proposed, approve=True, actor=official)
    # Proposed, rejected or withdrawn items count for nothing.
    city = factories.regional_official(province["a"].region_id)
    for code in ("national_award", "reform_pilot", "mountain_county_service"):
        proposed = services.adjustment_propose(
            complex_=province["a"], year=YEAR, item_code=code, reason="待定", actor=city
        )
        if code == "reform_pilot":
            services.adjustment_decide(adjustment=proposed, approve=False, actor=official)
        if code == "mountain_county_service":
            services.adjustment_decide(adjustment=proposed, approve=True, actor=official)
            services.adjustment_withdraw(adjustment=proposed, actor=city)
    recompute.evaluation_recompute(year=YEAR)
    scores = dict(Evaluation.objects.values_list("complex_id", "score"))
    assert scores[province["b"].pk] == Decimal("71.75")
    assert scores[province["c"].pk] == Decimal("47.50")


def test_jobs_endpoint_starts_and_shows_a_recomputation(
    api_client, api_as, province, django_capture_on_commit_callbacks
):
    assert api_client.post("/api/v1/jobs/", {"kind": "recompute", "year": YEAR}).status_code == 401
    operator = factories.operator_of(province["a"])
    assert (
        api_as(operator).post("/api/v1/jobs/", {"kind": "recompute", "year": YEAR}).status_code
        == 403
    )
    city = factories.regional_official("330700")
    assert (
        api_as(city).post("/api/v1/jobs/", {"kind": "recompute", "year": YEAR}).status_code == 403
    )
    api = api_as(factories.provincial_official())
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/jobs/", {"kind": "recompute", "year": YEAR}, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "queued"
    job = api.get(f"/api/v1/jobs/{response.json()['id']}/").json()
    assert (job["status"], job["progress"], job["error"], job["parameters"]) == (
        "succeeded",
        100,
        "",
        {"year": YEAR},
    )
    assert job["started_at"] <= job["finished_at"]
    assert {"derived_values", "scores", "dynamic_management"} <= set(job["timings"])
    assert api.post("/api/v1/jobs/", {"kind": "other", "year": YEAR}).status_code == 400
    assert api_as(city).get(f"/api/v1/jobs/{job['id']}/").status_code == 403


def test_a_second_run_is_refused_while_the_lock_is_held(province):
    with recompute_lock_held_elsewhere():
        refused = Job.objects.create(kind="recompute", parameters={"year": YEAR})
        recompute.job_run(job_id=refused.pk)
        refused.refresh_from_db()
        assert refused.status == JobStatus.FAILED
        assert refused.error == str(recompute.REFUSED)
        assert not Evaluation.objects.exists()
    allowed = Job.objects.create(kind="recompute", parameters={"year": YEAR})
    assert recompute.job_run(job_id=allowed.pk).status == JobStatus.SUCCEEDED
    assert Evaluation.objects.count() == 4


def test_evaluations_endpoint_scope_and_fields(api_client, api_as, province):
    recompute.evaluation_recompute(year=YEAR)
    assert api_client.get(f"/api/v1/evaluations/?year={YEAR}").status_code == 401
    jinhua = api_as(factories.regional_official("330700")).get(f"/api/v1/evaluations/?year={YEAR}")
    assert {row["complex"] for row in jinhua.json()["results"]} == {
        province["a"].pk,
        province["b"].pk,
    }
    own = api_as(factories.operator_of(province["b"])).get("/api/v1/evaluations/").json()
    assert own["count"] == 1
    row = own["results"][0]
    assert {
        key: row[key] for key in ("complex", "year", "status", "category", "score", "rank", "grade")
    } == {
        "complex": province["b"].pk,
        "year": YEAR,
        "status": "draft",
        "category": "traditional",
        "score": "68.75",
        "rank": 2,
        "grade": "pass",
    }
    assert set(row["breakdown"][0]) == {"indicator", "value", "normalized", "weight", "points"}
    province_rows = api_as(factories.provincial_official()).get(
        f"/api/v1/evaluations/?year={YEAR}&category=traditional"
    )
    assert [r["rank"] for r in province_rows.json()["results"]] == [1, 2, 3]


def test_a_job_left_running_by_a_crashed_worker_runs_again_when_redelivered(province):
    job = Job.objects.create(kind="recompute", parameters={"year": YEAR}, status=JobStatus.RUNNING)
    assert recompute.job_run(job_id=job.pk).status == JobStatus.SUCCEEDED
    assert Evaluation.objects.count() == 4
    finished = Job.objects.get(pk=job.pk).finished_at
    assert recompute.job_run(job_id=job.pk).finished_at == finished


def test_the_nightly_task_recomputes_the_latest_year_with_approved_reports(
    province, django_capture_on_commit_callbacks, settings
):
    from evaluation.tasks import nightly_recompute

    with django_capture_on_commit_callbacks(execute=True):
        job_id = nightly_recompute.delay().get()
    job = Job.objects.get(pk=job_id)
    assert (job.parameters, job.status, job.owner) == (
        {"year": YEAR},
        JobStatus.SUCCEEDED,
        None,
    )
    schedule = settings.CELERY_BEAT_SCHEDULE["evaluation-recompute"]
    assert schedule["task"] == "evaluation.tasks.nightly_recompute"
    assert (schedule["schedule"].hour, schedule["schedule"].minute) == ({2}, {0})
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"


def test_a_pending_removal_is_not_proposed_twice(province):
    for year in (YEAR + 1, YEAR + 2):
        for key, amount in {"a": 1000, "c": 200}.items():
            evaluation.report(province[key], year, "approved", flat(amount))
    for year in (YEAR, YEAR + 1, YEAR + 2):
        recompute.evaluation_recompute(year=year)
    assert list(
        ManagementDecision.objects.filter(complex=province["c"])
        .order_by("year")
        .values_list("year", "kind", "proposal_status")
    ) == [
        (YEAR, ManagementKind.RECTIFY, ""),
        (YEAR + 1, ManagementKind.PROPOSE_REMOVAL, ProposalStatus.PENDING),
    ]
