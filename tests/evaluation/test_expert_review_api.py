"""/api/v1/expert-reviews/: the province reads all, an expert reads, fills and submits their
own; another expert's review answers 404, a submitted one 409."""

from decimal import Decimal

import pytest

from evaluation.selectors import scheme_for
from tests import factories

from . import factories as evaluation

pytestmark = pytest.mark.django_db
YEAR = 2025
URL = "/api/v1/expert-reviews/"


@pytest.fixture
def scene(db):
    mine = factories.ComplexFactory(region=factories.region("330784"))
    theirs = factories.ComplexFactory(region=factories.region("330110"))
    expert = evaluation.expert(city="330200")
    other = evaluation.expert(city="330300")
    assignment = evaluation.expert_review(mine, YEAR, expert).assignment
    assignment.review.delete()  # the expert starts the review through the API
    others_review = evaluation.expert_review(theirs, YEAR, other)
    rubric = list(scheme_for(year=YEAR, category=mine.category).rubric_items.all())
    return {
        "mine": mine,
        "theirs": theirs,
        "expert": expert,
        "others_review": others_review,
        "rubric": rubric,
    }


def marks(rubric, share=Decimal("0.5")):
    return [
        {
            "item": item.pk,
            "points": str((item.maximum * share).quantize(Decimal("0.01"))),
            "comment": "评语",
        }
        for item in rubric
    ]


def test_an_expert_creates_updates_and_submits_their_review(api_as, scene):
    client = api_as(scene["expert"].user)
    rubric = scene["rubric"]
    created = client.post(
        URL,
        {"complex": scene["mine"].pk, "year": YEAR, "scores": marks(rubric[:1])},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["total"], body["complex"]) == (
        "draft",
        "10.00",
        scene["mine"].pk,
    )
    review_url = f"{URL}{body['id']}/"
    stale = client.patch(review_url, {"version": 1, "scores": marks(rubric)}, format="json")
    assert stale.status_code == 409
    updated = client.patch(
        review_url, {"version": body["version"], "scores": marks(rubric)}, format="json"
    )
    assert (updated.status_code, updated.json()["total"]) == (200, "50.00")
    submitted = client.post(f"{review_url}submit/")
    assert (submitted.status_code, submitted.json()["status"]) == (200, "submitted")
    assert client.post(f"{review_url}submit/").status_code == 409
    assert client.patch(review_url, {"scores": marks(rubric)}, format="json").status_code == 409
    assert [row["id"] for row in client.get(URL).json()["results"]] == [body["id"]]


def test_points_above_the_maximum_answer_400_naming_the_item(api_as, scene):
    item = scene["rubric"][0]
    answer = api_as(scene["expert"].user).post(
        URL,
        {
            "complex": scene["mine"].pk,
            "year": YEAR,
            "scores": [{"item": item.pk, "points": str(item.maximum + 1)}],
        },
        format="json",
    )
    assert answer.status_code == 400
    assert f"points_{item.pk}" in answer.json()


def test_an_expert_cannot_reach_another_complex(api_as, scene):
    client = api_as(scene["expert"].user)
    others = scene["others_review"]
    assert client.get(f"{URL}{others.pk}/").status_code == 404
    assert client.post(f"{URL}{others.pk}/submit/").status_code == 404
    answer = client.post(
        URL,
        {"complex": scene["theirs"].pk, "year": YEAR, "scores": marks(scene["rubric"])},
        format="json",
    )
    assert answer.status_code == 404


def test_the_province_lists_every_review_filtered(api_as, scene, django_assert_num_queries):
    client = api_as(factories.provincial_official())
    client.get(URL)
    with django_assert_num_queries(3):
        rows = client.get(URL, {"year": YEAR}).json()
    assert rows["count"] == 1
    assert client.get(URL, {"complex": scene["mine"].pk}).json()["count"] == 0
    assert client.get(URL, {"year": YEAR - 1}).json()["count"] == 0
    assert client.post(f"{URL}{scene['others_review'].pk}/submit/").status_code == 403


def test_evaluation_rows_carry_both_halves(api_as, scene):
    evaluation.approved(scene["mine"], YEAR)
    from evaluation import recompute

    recompute.evaluation_compute(year=YEAR)
    row = (
        api_as(factories.provincial_official())
        .get("/api/v1/evaluations/", {"year": YEAR})
        .json()["results"][0]
    )
    assert row["expert_score"] is None
    assert row["data_score"] == row["score"]
