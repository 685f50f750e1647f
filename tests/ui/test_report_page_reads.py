"""The report page as an operator reads it: indicator names rather than codes, one word for the
explanation column, figures in the unit people read, and a refused submission said at the top."""

import re

import pytest
from django.urls import reverse

from evaluation.models import Indicator, JobKind
from portal.models import Job
from tests import factories
from tests.evaluation import factories as evaluation

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def report_with_a_warning(yongkang_complex):
    evaluation.open_period(YEAR)
    evaluation.approved(yongkang_complex, YEAR - 1)
    # Twice last year's services: a warning the operator must explain before submitting.
    return evaluation.report(
        yongkang_complex, YEAR, values_=evaluation.values(services_to_enterprises=12800)
    )


def test_warnings_name_the_indicator_and_ask_for_the_explanation_column(
    client_as, yongkang_complex, report_with_a_warning
):
    operator = client_as(factories.operator_of(yongkang_complex))
    html = operator.get(reverse("evaluation:report", args=[report_with_a_warning.pk])).content
    html = html.decode()
    name = Indicator.objects.get(code="services_to_enterprises").name
    assert f">{name}</a>: " in html
    assert "services_to_enterprises:" not in html and "<code>" not in html
    assert "在“说明”栏中解释" in html and '<th scope="col">说明</th>' in html
    assert '<th scope="col">评价</th>' not in html
    # Last year's amount in the unit the operator types (yuan), with separators; counts whole.
    assert "190,000,000.00" in html
    assert "（上年6,400）" in html


def test_a_refused_submission_is_said_at_the_top(
    client_as, yongkang_complex, report_with_a_warning
):
    operator = client_as(factories.operator_of(yongkang_complex))
    url = reverse("evaluation:report", args=[report_with_a_warning.pk])
    data = {"version": report_with_a_warning.version, "submit": ""}
    for code, value in evaluation.values(services_to_enterprises=12800).items():
        data[f"value_{code}"] = str(value)
    html = operator.post(url, data).content.decode()
    top = html[html.index('<main id="main"') : html.index("<h1")]
    assert re.search(r'class="alert alert-danger"[^>]*>报告未能提交', top)


def test_job_steps_and_parameters_read_in_the_page_language(client_as):
    job = Job.objects.create(
        kind=JobKind.RECOMPUTE,
        parameters={"year": YEAR},
        step="scores",
        timings={"derived_values": 0.5, "scores": 1.25, "allocations_after_evaluation": 0.1},
    )
    official = client_as(factories.provincial_official())
    html = official.get(reverse("evaluation:job", args=[job.pk])).content.decode()
    assert "计算得分与排名" in html and "生成资金分配草案" in html and "年度 2025" in html
    assert not re.search(r"derived_values|allocations_after|\bscores\b|year =", html)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_language_menu_names_each_language_in_itself(client, language):
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert re.search(r'lang="zh-hans"[^>]*>简体中文</option>', html)
    assert re.search(r'lang="en"[^>]*>English</option>', html)
