"""The evaluation pages in the browser's way: forms, review, results, recompute and progress."""

from datetime import date
from decimal import Decimal

import pytest

from complexes.models import Status
from evaluation import recompute
from evaluation.models import (
    AnnualReport,
    Evaluation,
    ReportingPeriod,
    ReportStatus,
)
from portal.models import Job
from tests import factories

from . import factories as evaluation

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def report(yongkang_complex):
    evaluation.open_period(YEAR)
    return evaluation.report(yongkang_complex, YEAR)


def form_data(report, values, **extra):
    data = {"version": report.version, **extra}
    for code, value in values.items():
        data[f"value_{code}"] = str(value)
    return data


def test_operator_fills_submits_corrects_and_sees_the_score(client_as, report, yongkang_complex):
    operator = factories.operator_of(yongkang_complex)
    client = client_as(operator)
    page = client.get(f"/evaluation/reports/{report.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "产业集群研发投入" in html and "入驻服务机构数" in html

    bad = client.post(
        f"/evaluation/reports/{report.pk}/",
        form_data(report, {**evaluation.values(), "st_projects": "很多"}, submit="1"),
    )
    assert bad.status_code == 200
    assert 'id="id_value_st_projects_errors"' in bad.content.decode()
    report.refresh_from_db()
    assert (report.status, report.version) == (ReportStatus.DRAFT, 1)

    saved = client.post(
        f"/evaluation/reports/{report.pk}/", form_data(report, evaluation.values(), submit="1")
    )
    assert saved.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    province = factories.provincial_official()
    returned = client_as(province).post(
        f"/evaluation/reports/{report.pk}/return/", {"reason": "请核实研发投入"}
    )
    assert returned.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.return_reason) == (ReportStatus.RETURNED, "请核实研发投入")

    client = client_as(operator)
    assert "请核实研发投入" in client.get(f"/evaluation/reports/{report.pk}/").content.decode()
    corrected = client.post(
        f"/evaluation/reports/{report.pk}/",
        form_data(report, evaluation.values(cluster_rd_spend=640_000_000), submit="1"),
    )
    assert corrected.status_code == 302
    client_as(province).post(f"/evaluation/reports/{report.pk}/approve/")
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED

    diff = client_as(operator).get(f"/evaluation/reports/{report.pk}/versions/?number=2")
    assert diff.status_code == 200
    assert diff.content.decode().count('class="table-warning"') == 1

    recompute.evaluation_recompute(year=YEAR)
    score = client_as(operator).get(f"/evaluation/results/{yongkang_complex.code}/")
    assert score.status_code == 200
    result = Evaluation.objects.get(complex=yongkang_complex)
    assert str(result.score) in score.content.decode()


def test_a_refused_submission_keeps_the_saved_values_and_the_form_goes_on(
    client_as, report, yongkang_complex
):
    evaluation.approved(yongkang_complex, YEAR - 1)
    client = client_as(factories.operator_of(yongkang_complex))
    values = evaluation.values(problems_solved=600)
    refused = client.post(
        f"/evaluation/reports/{report.pk}/", form_data(report, values, submit="1")
    )
    assert refused.status_code == 200
    assert 'name="version" value="2"' in refused.content.decode()
    report.refresh_from_db()
    assert (report.status, report.version) == (ReportStatus.DRAFT, 2)
    explained = client.post(
        f"/evaluation/reports/{report.pk}/",
        form_data(report, values, submit="1", comment_problems_solved="新增共性技术平台"),
    )
    assert explained.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_stale_form_is_refused_and_nothing_saved(client_as, report, yongkang_complex):
    client = client_as(factories.operator_of(yongkang_complex))
    stale = client.post(
        f"/evaluation/reports/{report.pk}/",
        form_data(report, {"st_projects": 5}, version=0),
    )
    assert stale.status_code == 200
    assert "报告已被他人修改（当前版本1），请刷新后重新修改。" in stale.content.decode()
    assert not report.values.exists()


def test_approved_report_shows_no_form_and_refuses_posts(client_as, yongkang_complex):
    report = evaluation.approved(yongkang_complex, YEAR)
    client = client_as(factories.operator_of(yongkang_complex))
    page = client.get(f"/evaluation/reports/{report.pk}/").content.decode()
    assert 'name="value_st_projects"' not in page
    refused = client.post(
        f"/evaluation/reports/{report.pk}/", form_data(report, {"st_projects": 1})
    )
    assert refused.status_code == 403


def test_pages_answer_per_role(client, client_as, report, yongkang_complex):
    other = factories.ComplexFactory(region=factories.region("330110"))
    assert client.get("/evaluation/reports/").status_code == 302
    assert (
        client_as(factories.operator_of(other)).get(f"/evaluation/reports/{report.pk}/").status_code
        == 404
    )
    assert (
        client_as(factories.regional_official("330100"))
        .get(f"/evaluation/reports/{report.pk}/")
        .status_code
        == 404
    )
    operator = client_as(factories.operator_of(yongkang_complex))
    for url in ("/evaluation/results/", "/evaluation/schemes/", "/evaluation/periods/"):
        assert operator.get(url).status_code == 403, url
    city = client_as(factories.regional_official("330700"))
    assert city.get("/evaluation/results/").status_code == 200
    assert city.get("/evaluation/schemes/").status_code == 200
    assert city.get("/evaluation/periods/").status_code == 403
    assert city.post("/evaluation/jobs/recompute/", {"year": YEAR}).status_code == 403


def test_province_opens_a_period_and_every_complex_gets_a_draft(client_as, yongkang_complex):
    removed = factories.ComplexFactory(status=Status.REMOVED)
    client = client_as(factories.provincial_official())
    response = client.post("/evaluation/periods/", {"year": 2026, "deadline": "2027-03-31"})
    assert response.status_code == 302
    assert ReportingPeriod.objects.get(year=2026).deadline == date(2027, 3, 31)
    assert list(AnnualReport.objects.filter(year=2026).values_list("complex", flat=True)) == [
        yongkang_complex.pk
    ]
    assert not AnnualReport.objects.filter(complex=removed).exists()


def test_province_configures_a_scheme(client_as):
    client = client_as(factories.provincial_official())
    page = client.get("/evaluation/schemes/?year=2025&category=emerging")
    assert page.status_code == 200
    data = {
        "normalization": "min_max",
        "floor": "0.4",
        "excellent_from": "90",
        "good_from": "80",
        "pass_from": "60",
        "notes": "",
        "weight_cluster_rd_spend": "60",
        "weight_key_technologies": "30",
    }
    wrong = client.post("/evaluation/schemes/?year=2025&category=emerging", data)
    assert wrong.status_code == 200
    assert "100" in wrong.content.decode()
    data["weight_tech_smes"] = "10"
    saved = client.post("/evaluation/schemes/?year=2025&category=emerging", data)
    assert saved.status_code == 302
    from evaluation.selectors import scheme_for

    scheme = scheme_for(year=2025, category="emerging")
    assert (scheme.year, scheme.normalization, scheme.floor) == (2025, "min_max", Decimal("0.40"))
    assert {w.indicator.code: w.weight for w in scheme.weights.all()} == {
        "cluster_rd_spend": 60,
        "key_technologies": 30,
        "tech_smes": 10,
    }


def test_recompute_now_shows_progress_until_done(
    client_as, yongkang_complex, django_capture_on_commit_callbacks
):
    evaluation.approved(yongkang_complex, YEAR)
    client = client_as(factories.provincial_official())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/evaluation/jobs/recompute/", {"year": YEAR})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/evaluation/jobs/{job.pk}/"
    fragment = client.get(f"/evaluation/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and "100 %" in fragment
    Job.objects.filter(pk=job.pk).update(status="running", progress=40)
    polling = client.get(f"/evaluation/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in polling and "40 %" in polling
    results = client.get(f"/evaluation/results/?year={YEAR}").content.decode()
    assert yongkang_complex.name in results


def test_province_confirms_a_proposed_removal_from_the_results_page(client_as, yongkang_complex):
    from evaluation.models import ManagementDecision, ManagementKind, ProposalStatus

    proposal = ManagementDecision.objects.create(
        complex=yongkang_complex,
        year=YEAR,
        kind=ManagementKind.PROPOSE_REMOVAL,
        proposal_status=ProposalStatus.PENDING,
        reason="连续两年不合格",
    )
    city = client_as(factories.regional_official("330700"))
    assert "连续两年不合格" in city.get("/evaluation/results/").content.decode()
    assert city.post(f"/evaluation/decisions/{proposal.pk}/confirm/").status_code == 403
    province = client_as(factories.provincial_official())
    page = province.get("/evaluation/results/").content.decode()
    # Without a recorded hearing the page offers the hearing, not the confirmation.
    assert f"/evaluation/decisions/{proposal.pk}/confirm/" not in page
    assert f"/complexes/{yongkang_complex.code}/status/" in page
    assert province.post(f"/evaluation/decisions/{proposal.pk}/confirm/").status_code == 302
    yongkang_complex.refresh_from_db()
    assert yongkang_complex.status == Status.OPERATING
    hearing = province.post(
        f"/complexes/{yongkang_complex.code}/status/hearing/",
        {"hearing-held_on": "2026-01-05", "hearing-outcome": "运营方陈述"},
    )
    assert hearing.status_code == 302
    page = province.get("/evaluation/results/").content.decode()
    assert "运营方陈述" in page and f"/evaluation/decisions/{proposal.pk}/confirm/" in page
    assert province.post(f"/evaluation/decisions/{proposal.pk}/confirm/").status_code == 302
    yongkang_complex.refresh_from_db()
    assert yongkang_complex.status == Status.REMOVED
    proposal.refresh_from_db()
    assert proposal.proposal_status == ProposalStatus.CONFIRMED


def test_the_results_come_in_pages_in_the_ranking_order(client_as, monkeypatch):
    from evaluation import views

    for letter, factor in (("甲", 1.0), ("乙", 1.5), ("丙", 2.0)):
        evaluation.approved(factories.ComplexFactory(name=f"排名测试综合体{letter}"), YEAR, factor)
    recompute.evaluation_recompute(year=YEAR)
    ranked = list(Evaluation.objects.filter(year=YEAR).order_by("category", "rank", "complex_id"))
    monkeypatch.setattr(views, "RANKING_PAGE_SIZE", 2)
    client = client_as(factories.provincial_official())
    first = client.get(f"/evaluation/results/?year={YEAR}").content.decode()
    second = client.get(f"/evaluation/results/?year={YEAR}&page=2").content.decode()
    assert [ranked[0].complex.name in first, ranked[1].complex.name in first] == [True, True]
    assert ranked[2].complex.name not in first and ranked[2].complex.name in second
    assert "page=2" in first
