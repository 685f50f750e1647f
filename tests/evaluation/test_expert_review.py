"""Expert review, the second half of the score: the conflict rule, the reviews' state machine,
the trimmed mean, the combined score, the expert's scope and the pages' query counts."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import User
from complexes.models import Category
from evaluation import expert_review, recompute, scoring
from evaluation.models import (
    Evaluation,
    EvaluationScheme,
    Expert,
    ExpertAssignment,
    ReviewStatus,
)
from evaluation.revisions import revision_publish, run_differences
from evaluation.selectors import scheme_for
from portal.exceptions import DomainError, InvalidTransition, NotPermitted
from tests import factories

from . import factories as evaluation

YEAR = 2025


def new_expert(province, username, city="330100", organisation="浙江大学", **extra) -> Expert:
    return expert_review.expert_create(
        actor=province,
        username=username,
        password="a-Long-pass-2026",
        name=extra.pop("name", username),
        expertise="先进制造",
        organisation=organisation,
        city=factories.region(city),
        **extra,
    )


@pytest.fixture
def province(db):
    return factories.provincial_official()


@pytest.fixture
def jinhua_complex(db):
    # Yongkang (330784) belongs to Jinhua (330700).
    return factories.ComplexFactory(region=factories.region("330784"), host_unit="永康五金研究院")


def rubric(complex_, year=YEAR):
    return list(scheme_for(year=year, category=complex_.category).rubric_items.all())


def full_marks(complex_, share=Decimal(1)):
    return {item.pk: (item.maximum * share, "ok") for item in rubric(complex_)}


# Conflict of interest -----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_expert_of_the_complex_city_is_refused_naming_the_city(province, jinhua_complex):
    jinhua = new_expert(province, "jinhua-expert", city="330700")
    with pytest.raises(DomainError) as refused:
        expert_review.assignment_create(
            actor=province, expert=jinhua, complex_=jinhua_complex, year=YEAR
        )
    assert refused.value.field == "city"
    assert "金华" in str(refused.value.message)
    assert not ExpertAssignment.objects.exists()


@pytest.mark.django_db
def test_an_expert_of_the_host_unit_is_refused_naming_the_organisation(province, jinhua_complex):
    insider = new_expert(province, "insider", city="330100", organisation=" 永康五金研究院")
    with pytest.raises(DomainError) as refused:
        expert_review.assignment_create(
            actor=province, expert=insider, complex_=jinhua_complex, year=YEAR
        )
    assert refused.value.field == "organisation"


@pytest.mark.django_db
def test_an_expert_of_another_city_and_unit_is_assigned_once(province, jinhua_complex):
    outsider = new_expert(province, "outsider", city="330100")
    assignment = expert_review.assignment_create(
        actor=province, expert=outsider, complex_=jinhua_complex, year=YEAR
    )
    assert (assignment.expert_city, assignment.complex_city) == ("330100", "330700")
    with pytest.raises(DomainError):
        expert_review.assignment_create(
            actor=province, expert=outsider, complex_=jinhua_complex, year=YEAR
        )


@pytest.mark.django_db
def test_the_database_refuses_an_expert_of_the_complex_city(province, jinhua_complex):
    jinhua = new_expert(province, "jinhua-expert", city="330700")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExpertAssignment.objects.create(
            expert=jinhua,
            complex=jinhua_complex,
            year=YEAR,
            expert_city="330700",
            complex_city="330700",
        )


@pytest.mark.django_db
def test_only_the_province_assigns(province, jinhua_complex):
    outsider = new_expert(province, "outsider")
    city_official = factories.regional_official("330700")
    with pytest.raises(NotPermitted):
        expert_review.assignment_create(
            actor=city_official, expert=outsider, complex_=jinhua_complex, year=YEAR
        )


@pytest.mark.django_db
def test_a_deactivated_expert_is_not_assigned(province, jinhua_complex):
    outsider = new_expert(province, "outsider")
    expert_review.expert_set_active(actor=province, expert=outsider, active=False)
    with pytest.raises(DomainError):
        expert_review.assignment_create(
            actor=province, expert=outsider, complex_=jinhua_complex, year=YEAR
        )


# Reviews ------------------------------------------------------------------------------------


@pytest.fixture
def assignment(province, jinhua_complex):
    outsider = new_expert(province, "outsider")
    return expert_review.assignment_create(
        actor=province, expert=outsider, complex_=jinhua_complex, year=YEAR
    )


@pytest.mark.django_db
def test_the_shipped_rubric_sums_to_100(jinhua_complex):
    assert sum(item.maximum for item in rubric(jinhua_complex)) == 100


@pytest.mark.django_db
def test_a_review_is_saved_then_submitted_and_locked(assignment):
    expert = assignment.expert.user
    items = rubric(assignment.complex)
    first = {items[0].pk: (Decimal(15), "solid mechanisms")}
    review = expert_review.review_save(actor=expert, assignment=assignment, scores=first)
    assert (review.status, review.total) == (ReviewStatus.DRAFT, Decimal(15))
    with pytest.raises(DomainError):  # not every item scored yet
        expert_review.review_submit(actor=expert, assignment=assignment)
    review = expert_review.review_save(
        actor=expert, assignment=assignment, scores=full_marks(assignment.complex, Decimal("0.5"))
    )
    review = expert_review.review_submit(actor=expert, assignment=assignment)
    assert (review.status, review.total) == (ReviewStatus.SUBMITTED, Decimal(50))
    with pytest.raises(InvalidTransition):
        expert_review.review_save(actor=expert, assignment=assignment, scores=first)
    with pytest.raises(InvalidTransition):
        expert_review.review_submit(actor=expert, assignment=assignment)


@pytest.mark.django_db
def test_points_above_the_item_maximum_are_refused(assignment):
    item = rubric(assignment.complex)[0]
    with pytest.raises(DomainError) as refused:
        expert_review.review_save(
            actor=assignment.expert.user,
            assignment=assignment,
            scores={item.pk: (item.maximum + Decimal("0.01"), "")},
        )
    assert refused.value.field == f"points_{item.pk}"


@pytest.mark.django_db
def test_another_expert_cannot_fill_the_review(province, assignment):
    other = new_expert(province, "other", city="330200")
    with pytest.raises(NotPermitted):
        expert_review.review_save(
            actor=other.user, assignment=assignment, scores=full_marks(assignment.complex)
        )


# The trimmed mean and the combined score ---------------------------------------------------


def test_four_reviews_are_all_averaged():
    totals = [Decimal(60), Decimal(70), Decimal(80), Decimal(95)]
    assert scoring.expert_score(totals) == Decimal("76.25")


def test_five_reviews_drop_the_highest_and_the_lowest():
    totals = [Decimal(10), Decimal(70), Decimal(80), Decimal(90), Decimal(100)]
    assert scoring.expert_score(totals) == Decimal("80.00")


def test_the_trim_drops_one_of_equal_extremes_only():
    totals = [Decimal(50), Decimal(50), Decimal(70), Decimal(90), Decimal(90)]
    assert scoring.expert_score(totals) == Decimal("70.00")


def test_no_review_gives_no_expert_score():
    assert scoring.expert_score([]) is None
    assert scoring.expert_score([Decimal("33.335")]) == Decimal("33.34")


def test_the_data_weight_defaults_to_0_4():
    indicator = scoring.WeightedIndicator("x", Decimal(100))
    scheme = scoring.Scheme(indicators=(indicator,))
    assert scheme.data_weight == Decimal("0.4")
    # Data 100 (the best), experts 50: 100 × 0.4 + 50 × 0.6.
    (result,) = scoring.score_category(
        scheme, [scoring.ComplexInput(1, {"x": Decimal(10)}, expert_score=Decimal(50))]
    )
    assert (result.data_score, result.expert_score, result.score) == (
        Decimal("100.00"),
        Decimal(50),
        Decimal("70.00"),
    )


def test_without_an_expert_score_the_data_score_stands_alone():
    indicator = scoring.WeightedIndicator("x", Decimal(100))
    scheme = scoring.Scheme(indicators=(indicator,), floor=Decimal(0))
    a, b = scoring.score_category(
        scheme,
        [
            scoring.ComplexInput(1, {"x": Decimal(10)}),
            scoring.ComplexInput(2, {"x": Decimal(5)}, adjustment=Decimal(2)),
        ],
    )
    assert (a.score, a.expert_score) == (Decimal("100.00"), None)
    assert (b.data_score, b.score) == (Decimal("50.00"), Decimal("52.00"))


scores = st.decimals(min_value=0, max_value=100, places=2)
weights = st.decimals(min_value=0, max_value=1, places=2)


@given(data=scores, expert=scores, weight=weights, gain=scores)
def test_the_combined_score_stays_in_range_and_keeps_its_order(data, expert, weight, gain):
    combined = scoring.combined_score(data, expert, data_weight=weight)
    assert 0 <= combined <= 100
    better_data = min(Decimal(100), data + gain)
    better_expert = min(Decimal(100), expert + gain)
    assert scoring.combined_score(better_data, expert, data_weight=weight) >= combined
    assert scoring.combined_score(data, better_expert, data_weight=weight) >= combined


@given(totals=st.lists(scores, min_size=1, max_size=9), gain=scores, index=st.integers(0, 8))
def test_the_expert_score_stays_in_range_and_keeps_its_order(totals, gain, index):
    score = scoring.expert_score(totals)
    assert min(totals) <= score <= max(totals)
    improved = list(totals)
    position = index % len(totals)
    improved[position] = min(Decimal(100), improved[position] + gain)
    assert scoring.expert_score(improved) >= score


# Recomputation: the expert score is an input frozen with the revision ------------------------


@pytest.mark.django_db
def test_the_recomputation_combines_the_submitted_reviews_and_freezes_them(
    province, assignment, jinhua_complex
):
    evaluation.approved(jinhua_complex, YEAR)
    expert_review.review_save(
        actor=assignment.expert.user,
        assignment=assignment,
        scores=full_marks(jinhua_complex, Decimal("0.8")),
    )
    recompute.evaluation_compute(year=YEAR)
    result = Evaluation.objects.get(complex=jinhua_complex, year=YEAR)
    # A draft review does not count: the data score alone.
    assert (result.expert_score, result.score) == (None, result.data_score)

    expert_review.review_submit(actor=assignment.expert.user, assignment=assignment)
    recompute.evaluation_compute(year=YEAR)
    result = Evaluation.objects.get(complex=jinhua_complex, year=YEAR)
    assert result.expert_score == Decimal("80.00")
    assert result.score == (result.data_score * Decimal("0.4") + Decimal(48)).quantize(
        Decimal("0.01")
    )
    run = revision_publish(year=YEAR, actor=province)
    assert run_differences(run) == []

    # A later review changes the next draft, never the published revision.
    second = expert_review.assignment_create(
        actor=province, expert=new_expert(province, "second", city="330200"),
        complex_=jinhua_complex, year=YEAR,
    )  # fmt: skip
    expert_review.review_save(
        actor=second.expert.user, assignment=second, scores=full_marks(jinhua_complex, 0)
    )
    expert_review.review_submit(actor=second.expert.user, assignment=second)
    recompute.evaluation_compute(year=YEAR)
    published = Evaluation.objects.get(complex=jinhua_complex, year=YEAR, status="published")
    draft = Evaluation.objects.get(complex=jinhua_complex, year=YEAR, status="draft")
    assert (published.expert_score, draft.expert_score) == (Decimal("80.00"), Decimal("40.00"))


@pytest.mark.django_db
def test_the_scheme_keeps_its_data_weight_and_rubric(province):
    scheme = scheme_for(year=YEAR, category=Category.TRADITIONAL)
    from evaluation import services

    saved = services.scheme_save(
        year=YEAR + 1,
        category=Category.TRADITIONAL,
        actor=province,
        weights={weight.indicator.code: weight.weight for weight in scheme.weights.all()},
        data_weight=Decimal("0.5"),
        experts_per_complex=5,
        rubric=[("甲", Decimal(60)), ("乙", Decimal(40))],
    )
    assert (saved.data_weight, saved.experts_per_complex) == (Decimal("0.5"), 5)
    assert [(item.name, item.maximum) for item in saved.rubric_items.all()] == [
        ("甲", Decimal(60)),
        ("乙", Decimal(40)),
    ]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.scheme_save(
            year=YEAR + 1,
            category=Category.TRADITIONAL,
            actor=province,
            weights={weight.indicator.code: weight.weight for weight in scheme.weights.all()},
            rubric=[("甲", Decimal(60))],
        )
    assert "rubric" in refused.value.message_dict
    assert EvaluationScheme.objects.filter(year=YEAR + 1).count() == 1


# Pages: scope and query counts ---------------------------------------------------------------


@pytest.mark.django_db
def test_an_expert_sees_only_the_assigned_complexes(client_as, province, assignment):
    other_complex = factories.ComplexFactory(region=factories.region("330110"))
    other = new_expert(province, "other", city="330200")
    others_assignment = expert_review.assignment_create(
        actor=province, expert=other, complex_=other_complex, year=YEAR
    )
    client = client_as(assignment.expert.user)
    listing = client.get(reverse("evaluation:reviews"))
    assert listing.status_code == 200
    assert assignment.complex.name in listing.content.decode()
    assert other_complex.name not in listing.content.decode()
    assert client.get(reverse("evaluation:review", args=[assignment.pk])).status_code == 200
    assert client.get(reverse("evaluation:review", args=[others_assignment.pk])).status_code == 404
    # Nor the complex's annual report, nor the officials' pages.
    report = evaluation.approved(other_complex, YEAR)
    assert client.get(reverse("evaluation:report", args=[report.pk])).status_code == 404
    assert client.get(reverse("evaluation:assignments")).status_code == 403


@pytest.mark.django_db
def test_an_expert_scores_and_submits_on_the_page(client_as, assignment):
    client = client_as(assignment.expert.user)
    url = reverse("evaluation:review", args=[assignment.pk])
    data = {"version": "", "action": "submit"}
    for item in rubric(assignment.complex):
        data[f"points_{item.pk}"] = str(item.maximum)
        data[f"comment_{item.pk}"] = "good"
    assert client.post(url, data).status_code == 302
    page = client.get(url).content.decode()
    assert 'data-review-status="submitted"' in page
    assert 'name="action"' not in page


@pytest.mark.django_db
def test_the_province_adds_an_expert_and_sees_the_conflict_on_the_page(
    client_as, province, jinhua_complex
):
    client = client_as(province)
    response = client.post(
        reverse("evaluation:expert_new"),
        {
            "username": "expert-new",
            "password": "a-Long-pass-2026",
            "name": "王工",
            "expertise": "材料",
            "organisation": "宁波大学",
            "city": "330700",
        },
    )
    assert response.status_code == 302
    expert = Expert.objects.get(user__username="expert-new")
    assert User.objects.get(username="expert-new").check_password("a-Long-pass-2026")
    response = client.post(
        reverse("evaluation:assignments") + f"?year={YEAR}",
        {"year": YEAR, "complex": jinhua_complex.pk, "expert": expert.pk},
    )
    assert response.status_code == 200
    assert "利益冲突" in response.content.decode() or "Conflict" in response.content.decode()
    assert not ExpertAssignment.objects.exists()


@pytest.mark.django_db
def test_query_counts_of_the_expert_list_and_the_assignment_board(
    client_as, django_assert_num_queries, province
):
    experts = [new_expert(province, f"e{n}", city=("330100", "330200")[n % 2]) for n in range(4)]
    complexes = [factories.ComplexFactory(region=factories.region("330784")) for _n in range(6)]
    for complex_ in complexes:
        for expert in experts[:3]:
            expert_review.assignment_create(
                actor=province, expert=expert, complex_=complex_, year=YEAR
            )
    expert_client = client_as(experts[0].user)
    expert_client.get(reverse("evaluation:reviews"))
    with django_assert_num_queries(5):
        assert expert_client.get(reverse("evaluation:reviews")).status_code == 200
    province_client = client_as(province)
    province_client.get(reverse("evaluation:assignments") + f"?year={YEAR}")
    with django_assert_num_queries(11):
        response = province_client.get(reverse("evaluation:assignments") + f"?year={YEAR}")
    assert response.status_code == 200
    with django_assert_num_queries(5):
        assert province_client.get(reverse("evaluation:experts")).status_code == 200


# The demo --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_has_experts_assignments_and_reviews():
    from io import StringIO

    from django.core.management import call_command
    from django.db.models import Count
    from django.utils import timezone

    from evaluation.models import ExpertReview

    call_command("seed_demo", only=["accounts", "complexes", "evaluation"], stdout=StringIO())
    assert Expert.objects.count() == 12
    assert len({expert.city_id for expert in Expert.objects.all()}) == 11
    assert factories.authenticate(username="expert1", password="demo-pass-2026") is not None
    current = timezone.localdate().year
    per_complex = ExpertAssignment.objects.values("complex", "year").annotate(n=Count("pk"))
    assert {row["n"] for row in per_complex} == {3}
    for assignment in ExpertAssignment.objects.select_related("expert", "complex"):
        assert expert_review.conflict_of(assignment.expert, assignment.complex) is None
    past = ExpertReview.objects.filter(assignment__year__lt=current)
    assert past.exists() and not past.exclude(status=ReviewStatus.SUBMITTED).exists()
    latest = ExpertReview.objects.filter(assignment__year=current)
    assert latest.exists() and not latest.exclude(status=ReviewStatus.DRAFT).exists()
    published = Evaluation.objects.filter(status="published")
    assert published.exists()
    # Every provincial result has its expert half, but a fail for want of a report (scored 0).
    assert not published.filter(
        complex__level="provincial", expert_score__isnull=True, missing_report_by__isnull=True
    ).exists()


@pytest.mark.django_db
def test_the_scheme_page_edits_the_rubric_and_the_weight(client_as, province):
    scheme = scheme_for(year=YEAR, category=Category.EMERGING)
    url = f"/evaluation/schemes/?year={YEAR}&category=emerging"
    page = client_as(province).get(url).content.decode()
    assert 'name="rubric_name_1"' in page and 'name="data_weight"' in page
    data = {
        "normalization": scheme.normalization,
        "floor": str(scheme.floor),
        "excellent_from": "85",
        "good_from": "75",
        "pass_from": "60",
        "data_weight": "0.30",
        "experts_per_complex": "4",
        "rubric_name_1": "服务成效",
        "rubric_max_1": "70",
        "rubric_name_2": "机制建设",
        "rubric_max_2": "20",
        **{f"weight_{w.indicator.code}": str(w.weight) for w in scheme.weights.all()},
    }
    refused = client_as(province).post(url, data)
    assert refused.status_code == 200 and "90" in refused.content.decode()
    data["rubric_max_2"] = "30"
    assert client_as(province).post(url, data).status_code == 302
    saved = scheme_for(year=YEAR, category=Category.EMERGING)
    assert (saved.data_weight, saved.experts_per_complex) == (Decimal("0.30"), 4)
    assert [(i.name, i.maximum) for i in saved.rubric_items.all()] == [
        ("服务成效", Decimal(70)),
        ("机制建设", Decimal(30)),
    ]


@pytest.mark.django_db
def test_the_score_page_shows_both_halves_with_the_formula(client_as, province, assignment):
    complex_ = assignment.complex
    evaluation.approved(complex_, YEAR)
    expert_review.review_save(
        actor=assignment.expert.user, assignment=assignment, scores=full_marks(complex_)
    )
    expert_review.review_submit(actor=assignment.expert.user, assignment=assignment)
    recompute.evaluation_compute(year=YEAR)
    result = Evaluation.objects.get(complex=complex_, year=YEAR)
    page = client_as(province).get(f"/evaluation/results/{complex_.code}/?year={YEAR}")
    text = page.content.decode()
    assert f"× 0.4 + 专家得分 100.00 × 0.6 = {result.score}" in text
    assert "data-expert-score>100.00<" in text


@pytest.mark.django_db
def test_an_expert_finds_their_reviews_from_every_page(client_as, assignment):
    client = client_as(assignment.expert.user)
    for url in ("/", reverse("accounts:profile"), reverse("accounts:inbox")):
        page = client.get(url)
        assert page.status_code == 200, url
        assert reverse("evaluation:reviews") in page.content.decode(), url
