"""Numbers that stay put once seen (issue 15): records counted as of the year, results published
and frozen, a recomputation of a published year kept as a draft beside it, the comparison,
publishing and discarding, ``verify_year`` and the evaluations endpoint's revisions."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from complexes.indicators import DEFINITIONS
from complexes.models import Institution, InstitutionType, SharedInstrument, TalentTeam
from evaluation import recompute
from evaluation.models import (
    Evaluation,
    EvaluationRun,
    JobKind,
    ReportStatus,
    RevisionStatus,
    RunInput,
)
from evaluation.revisions import (
    revision_comparison,
    revision_discard,
    revision_publish,
    run_differences,
)
from funding import services as funding
from funding.models import Allocation, AllocationStatus
from portal.exceptions import InvalidTransition, NotPermitted
from portal.models import Job
from tests import factories
from tests.funding.factories import M, rule_set

from . import factories as evaluation

pytestmark = pytest.mark.django_db
YEAR = 2025
INSTITUTION_DEFINITION = DEFINITIONS["member_institutions"]
RESULT_FIELDS = ("complex_id", "score", "rank", "grade", "breakdown", "adjustment", "scheme_id")
ALLOCATION_FIELDS = (
    "complex_id",
    "score",
    "grade",
    "provincial_amount",
    "required_local_match",
    "required_host_investment",
)


def run_job(year=YEAR):
    job = Job.objects.create(kind=JobKind.RECOMPUTE, parameters={"year": year})
    recompute.job_run(job_id=job.pk)


def published_rows(year=YEAR):
    return list(
        Evaluation.objects.filter(year=year, status=RevisionStatus.PUBLISHED)
        .order_by("complex_id")
        .values(*RESULT_FIELDS)
    )


def published_allocations(year=YEAR):
    return list(
        Allocation.objects.filter(year=year, status=AllocationStatus.PUBLISHED)
        .order_by("complex_id")
        .values(*ALLOCATION_FIELDS)
    )


@pytest.fixture
def province_official():
    return factories.provincial_official()


@pytest.fixture
def published_year(province_official):
    """Three traditional complexes with members, teams and instruments dated up to the year,
    their results and allocations of the year published."""
    complexes = [
        factories.ComplexFactory(region=factories.region(code), founded_year=2018)
        for code in ("330784", "330782", "330110")
    ]
    for complex_, factor in zip(complexes, (1.0, 0.6, 0.3), strict=True):
        evaluation.report(
            complex_,
            YEAR,
            ReportStatus.APPROVED,
            evaluation.values(factor, local_match_funds=60 * M, host_investment=130 * M),
        )
        for n in range(int(10 * factor)):
            factories.InstitutionFactory(complex=complex_, joined_year=2019 + n % 6)
            TalentTeam.objects.create(
                complex=complex_, name=f"团队{n}", leader="王", introduced_year=2020
            )
            SharedInstrument.objects.create(
                complex=complex_,
                name=f"仪器{n}",
                original_value=600_000,
                acquired_year=2020,
                shared_from_year=2021,
            )
    rule_set(YEAR, pool=150 * M)
    run_job()
    revision_publish(year=YEAR, actor=province_official)
    funding.allocations_publish(year=YEAR, actor=province_official, tell_operators=False)
    return complexes


def test_records_dated_after_a_published_year_leave_its_results_and_allocations_be(
    published_year, province_official, api_as
):
    results, allocations = published_rows(), published_allocations()
    assert results and allocations
    yongkang = published_year[1]
    # The operator adds, in December 2026, members, a team and an instrument of 2026.
    factories.InstitutionFactory(complex=yongkang, type=InstitutionType.INCUBATOR, joined_year=2026)
    TalentTeam.objects.create(complex=yongkang, name="新团队", leader="李", introduced_year=2026)
    SharedInstrument.objects.create(
        complex=yongkang, name="新仪器", original_value=900_000, acquired_year=2026
    )
    run_job()
    assert published_rows() == results
    assert published_allocations() == allocations
    # The draft beside the published results counts the same records: nothing moved.
    comparison = revision_comparison(user=province_official, year=YEAR)
    assert comparison.draft is not None and comparison.lines == []

    # Records dated in the published year but entered late do move the draft, only the draft.
    TalentTeam.objects.create(complex=yongkang, name="补录团队", leader="赵", introduced_year=YEAR)
    SharedInstrument.objects.create(
        complex=yongkang,
        name="补录仪器",
        original_value=2_000_000,
        acquired_year=YEAR,
        shared_from_year=YEAR,
    )
    run_job()
    assert published_rows() == results, "published results never change"
    assert published_allocations() == allocations, "allocations read the published results"
    comparison = revision_comparison(user=province_official, year=YEAR)
    [line] = comparison.lines
    assert line.complex == yongkang and line.moved
    assert line.draft.score > line.published.score
    assert {(indicator.code, before, after) for indicator, before, after in line.inputs} == {
        ("talent_teams", 6, 7),
        ("shared_instruments", 6, 7),
        ("shared_instrument_value", 3_600_000, 5_600_000),
    }
    # The API answers the published results, and the draft to officials who ask for it.
    api = api_as(province_official)
    published = api.get("/api/v1/evaluations/", {"year": YEAR, "complex": yongkang.pk}).json()
    [row] = published["results"]
    assert (row["status"], row["score"]) == ("published", str(line.published.score))
    draft = api.get(
        "/api/v1/evaluations/", {"year": YEAR, "complex": yongkang.pk, "revision": "draft"}
    ).json()
    [row] = draft["results"]
    assert (row["status"], row["score"]) == ("draft", str(line.draft.score))

    # Published, the draft becomes the year's results; the old revision is kept, superseded.
    call_command("verify_year", str(YEAR), stdout=StringIO())
    first = EvaluationRun.objects.get(year=YEAR, status=RevisionStatus.PUBLISHED)
    revision_publish(year=YEAR, actor=province_official)
    first.refresh_from_db()
    assert first.status == RevisionStatus.SUPERSEDED
    assert set(first.results.values_list("status", flat=True)) == {RevisionStatus.SUPERSEDED}
    assert Evaluation.objects.shown().get(complex=yongkang, year=YEAR).score == line.draft.score
    call_command("verify_year", str(YEAR), stdout=StringIO())


def test_a_recomputation_rewrites_the_draft_in_place_and_stores_its_inputs(published_year):
    run_job()
    draft = EvaluationRun.objects.get(year=YEAR, status=RevisionStatus.DRAFT)
    rows = list(Evaluation.objects.filter(run=draft).order_by("pk").values())
    inputs = list(RunInput.objects.filter(run=draft).order_by("pk").values())
    run_job()
    assert EvaluationRun.objects.get(year=YEAR, status=RevisionStatus.DRAFT).pk == draft.pk
    assert list(Evaluation.objects.filter(run=draft).order_by("pk").values()) == rows
    assert list(RunInput.objects.filter(run=draft).order_by("pk").values()) == inputs
    # Every value scored is stored: each complex's reported and derived values.
    assert RunInput.objects.filter(run=draft, indicator__code="talent_teams").count() == 3
    assert RunInput.objects.filter(run=draft, indicator__code="cluster_rd_spend").count() == 3


def test_only_the_province_publishes_and_discards_and_only_what_there_is(
    published_year, province_official
):
    city = factories.regional_official("330700")
    with pytest.raises(InvalidTransition):
        revision_publish(year=YEAR, actor=province_official)  # no draft beside it yet
    with pytest.raises(InvalidTransition):
        revision_discard(year=YEAR, actor=province_official)
    run_job()
    with pytest.raises(NotPermitted):
        revision_publish(year=YEAR, actor=city)
    with pytest.raises(NotPermitted):
        revision_discard(year=YEAR, actor=city)
    draft = revision_discard(year=YEAR, actor=province_official)
    assert (draft.status, draft.decided_by) == (RevisionStatus.DISCARDED, province_official)
    assert not draft.results.exists() and not draft.inputs.exists()
    # A year with nothing published keeps its only draft.
    evaluation.report(published_year[0], YEAR + 1, ReportStatus.APPROVED, evaluation.values())
    run_job(YEAR + 1)
    with pytest.raises(InvalidTransition):
        revision_discard(year=YEAR + 1, actor=province_official)


def test_publishing_refuses_a_draft_its_scheme_no_longer_gives(published_year, province_official):
    from evaluation import services
    from evaluation.selectors import scheme_for

    evaluation.report(published_year[0], YEAR + 1, ReportStatus.APPROVED, evaluation.values())
    evaluation.report(published_year[1], YEAR + 1, ReportStatus.APPROVED, evaluation.values(0.5))
    scheme = scheme_for(year=YEAR + 1, category="traditional")
    weights = {weight.indicator.code: weight.weight for weight in scheme.weights.all()}
    run_job(YEAR + 1)
    # A new scheme for the next year, not published yet: edited in place after the run.
    services.scheme_save(
        year=YEAR + 1, category="traditional", actor=province_official, weights=weights
    )
    run_job(YEAR + 1)
    services.scheme_save(
        year=YEAR + 1,
        category="traditional",
        actor=province_official,
        weights={**weights, "cluster_rd_spend": weights["cluster_rd_spend"] - 2,
                 "tech_smes": weights["tech_smes"] + 2},
    )  # fmt: skip
    with pytest.raises(InvalidTransition):
        revision_publish(year=YEAR + 1, actor=province_official)
    run_job(YEAR + 1)
    revision_publish(year=YEAR + 1, actor=province_official)


def test_verify_year_reports_a_result_its_inputs_do_not_give(published_year):
    out = StringIO()
    call_command("verify_year", str(YEAR), stdout=out)
    assert "3 results follow from their stored inputs" in out.getvalue()
    with pytest.raises(CommandError, match="has no published results"):
        call_command("verify_year", str(YEAR + 1))
    tampered = Evaluation.objects.filter(year=YEAR, complex=published_year[2])
    score = tampered.get().score
    tampered.update(score=score + 1)
    errors = StringIO()
    with pytest.raises(CommandError, match="1 differences") as refused:
        call_command("verify_year", str(YEAR), stderr=errors)
    assert refused.value.returncode == 1
    assert f"score {score + 1} → {score}" in errors.getvalue()


def test_the_draft_revision_is_for_officials_only(published_year, api_as):
    operator = api_as(factories.operator_of(published_year[0]))
    # The schema builds the filter's form field, which each filter set then copies.
    assert operator.get("/api/schema/").status_code == 200
    refused = operator.get("/api/v1/evaluations/", {"year": YEAR, "revision": "draft"})
    assert refused.status_code == 400 and "revision" in refused.json()
    city = api_as(factories.regional_official("330700"))
    answered = city.get("/api/v1/evaluations/", {"year": YEAR, "revision": "draft"})
    assert answered.status_code == 200 and answered.json()["count"] == 0  # no draft yet
    assert {
        row["status"] for row in city.get("/api/v1/evaluations/", {"year": YEAR}).json()["results"]
    } == {"published"}


def test_the_revision_page_compares_publishes_and_discards(
    published_year, province_official, client_as
):
    Institution.objects.filter(complex=published_year[0]).update(left_year=YEAR)
    run_job()
    client = client_as(province_official)
    page = client.get(f"/evaluation/revisions/{YEAR}/")
    assert page.status_code == 200
    moved = page.context["comparison"].moved
    assert published_year[0] in {line.complex for line in moved}
    assert published_year[0].name in page.content.decode()
    # Each rank reads with its denominator: how many its revision ranked in the category.
    line = next(line for line in moved if line.complex == published_year[0])
    ranked = Evaluation.objects.filter(
        run=line.published.run, category=line.published.category
    ).count()
    assert line.published.ranked_of == ranked
    assert f"{line.published.rank} / {ranked}" in page.content.decode()
    assert client.post(f"/evaluation/revisions/{YEAR}/discard/").status_code == 302
    assert not EvaluationRun.objects.filter(year=YEAR, status=RevisionStatus.DRAFT).exists()
    run_job()
    assert client.post(f"/evaluation/revisions/{YEAR}/publish/").status_code == 302
    assert EvaluationRun.objects.get(year=YEAR, status=RevisionStatus.PUBLISHED).number == 3
    assert (
        client_as(factories.regional_official("330700"))
        .post(f"/evaluation/revisions/{YEAR}/publish/")
        .status_code
        == 403
    )


def test_scores_from_stored_inputs_are_the_same_however_often_and_in_whatever_order(
    published_year, province_official
):
    """Hypothesis: recomputing the years any number of times in any order, and scoring the
    stored inputs in any order, gives the published results to the fen."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from evaluation.recompute import ScoredComplex, results_from_inputs
    from evaluation.revisions import stored_inputs

    for complex_, factor in zip(published_year, (0.4, 0.9, 0.7), strict=True):
        evaluation.report(complex_, YEAR - 1, ReportStatus.APPROVED, evaluation.values(factor))
    recompute.evaluation_compute(year=YEAR - 1)
    revision_publish(year=YEAR - 1, actor=province_official)
    years = (YEAR - 1, YEAR)
    published = {year: published_rows(year) for year in years}
    stored = {
        year: EvaluationRun.objects.get(year=year, status=RevisionStatus.PUBLISHED)
        for year in years
    }

    def outcome(rows):
        return [(row["complex_id"], row["score"], row["rank"], row["grade"]) for row in rows]

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    @given(order=st.lists(st.sampled_from(years), max_size=5), shuffle=st.randoms())
    def recomputed(order, shuffle):
        for year in order:
            recompute.evaluation_compute(year=year)
        for year in years:
            assert published_rows(year) == published[year]
            assert run_differences(stored[year]) == []
            drafts = Evaluation.objects.filter(year=year, status=RevisionStatus.DRAFT)
            if drafts.exists():  # the same records give the same results
                assert outcome(drafts.order_by("complex_id").values(*RESULT_FIELDS)) == outcome(
                    published[year]
                )
            entries, schemes = stored_inputs(stored[year])
            shuffle.shuffle(entries)
            entries = [
                ScoredComplex(
                    complex_id=entry.complex_id,
                    category=entry.category,
                    scheme_id=entry.scheme_id,
                    values=dict(shuffle.sample(list(entry.values.items()), len(entry.values))),
                    adjustment=entry.adjustment,
                )
                for entry in entries
            ]
            rows = results_from_inputs(entries, schemes)
            assert [
                (row.complex_id, row.score, row.rank, row.grade, list(row.breakdown))
                for row in rows
            ] == [
                (row["complex_id"], row["score"], row["rank"], row["grade"], row["breakdown"])
                for row in published[year]
            ]

    recomputed()


def test_a_derived_value_links_to_exactly_the_records_it_counts(
    published_year, province_official, client_as
):
    yongkang = published_year[0]
    factories.InstitutionFactory(complex=yongkang, name="后来的成员", joined_year=YEAR + 1)
    factories.InstitutionFactory(
        complex=yongkang, name="已退出的成员", joined_year=2019, left_year=YEAR
    )
    counted = set(Institution.objects.as_of(YEAR).filter(complex=yongkang).values_list("name"))
    url = f"/evaluation/results/{yongkang.code}/{YEAR}/records/member_institutions/"
    score_page = client_as(factories.operator_of(yongkang)).get(
        f"/evaluation/results/{yongkang.code}/", {"year": YEAR}
    )
    assert url in score_page.content.decode()
    page = client_as(factories.operator_of(yongkang)).get(url)
    assert page.status_code == 200
    records = page.context["records"]
    assert {(row[0],) for row in records.rows} == counted and len(records.rows) == 10
    assert str(page.context["scored"]) == "10.00"
    body = page.content.decode()
    assert "后来的成员" not in body and "已退出的成员" not in body
    assert page.context["definition"] == INSTITUTION_DEFINITION
    teams = client_as(province_official).get(
        f"/evaluation/results/{yongkang.code}/{YEAR}/records/talent_teams/"
    )
    assert len(teams.context["records"].rows) == 10
    # Out of scope, not derived, unknown: 404; an enterprise is refused the page.
    other = client_as(factories.operator_of(published_year[1]))
    assert other.get(url).status_code == 404
    official = client_as(province_official)
    for indicator in ("cluster_rd_spend", "no_such_indicator"):
        assert (
            official.get(
                f"/evaluation/results/{yongkang.code}/{YEAR}/records/{indicator}/"
            ).status_code
            == 404
        )
    enterprise = factories.enterprise_user_of(factories.EnterpriseFactory())
    assert client_as(enterprise).get(url).status_code == 403


def test_the_demo_publishes_every_year_but_the_latest_and_each_verifies(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command(
        "seed_demo", only=["accounts", "complexes", "evaluation", "funding"], stdout=StringIO()
    )
    runs = dict(EvaluationRun.objects.values_list("year", "status"))
    latest = max(runs)
    assert runs == {
        **dict.fromkeys(sorted(runs)[:-1], RevisionStatus.PUBLISHED),
        latest: RevisionStatus.DRAFT,
    }
    for year in sorted(runs)[:-1]:
        out = StringIO()
        call_command("verify_year", str(year), stdout=out)
        assert "follow from their stored inputs" in out.getvalue()
        # Funding allocated the published results.
        allocated = dict(
            Allocation.objects.filter(year=year, status=AllocationStatus.PUBLISHED)
            .exclude(score=None)
            .values_list("complex_id", "score")
        )
        published = dict(
            Evaluation.objects.filter(year=year, status=RevisionStatus.PUBLISHED).values_list(
                "complex_id", "score"
            )
        )
        assert allocated and allocated.items() <= published.items()
