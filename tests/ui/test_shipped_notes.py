"""The notes of the shipped scheme and rule set reach each reader in their language; notes
officials write show as written."""

import pytest
from django.urls import reverse

from evaluation.models import SHIPPED_SCHEME_NOTES, EvaluationScheme
from funding.models import SHIPPED_RULE_NOTES, RuleSet
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_shipped_rows_carry_the_notes_the_catalogue_knows():
    assert set(EvaluationScheme.objects.values_list("notes", flat=True)) == set(
        SHIPPED_SCHEME_NOTES
    )
    assert set(RuleSet.objects.values_list("note", flat=True)) == set(SHIPPED_RULE_NOTES)


@pytest.mark.parametrize(
    ("page", "language", "shown"),
    [
        ("evaluation:scheme", "zh-hans", "平台内置的默认评价方案"),
        ("evaluation:scheme", "en", "Default scheme shipped with the portal"),
        ("funding:rules", "zh-hans", "文档所列默认规则"),
        ("funding:rules", "en", "Documented defaults"),
    ],
)
def test_shipped_notes_read_in_the_page_language(client_as, page, language, shown):
    client = client_as(factories.provincial_official())
    html = client.get(reverse(page), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert shown in html


def test_a_note_an_official_wrote_shows_as_written(client_as):
    RuleSet.objects.filter(year=None).update(note="按2026年省财政预算调整。")
    client = client_as(factories.provincial_official())
    html = client.get(reverse("funding:rules"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "按2026年省财政预算调整。" in html
