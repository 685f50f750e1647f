"""The province opens a year's grading rules carried over from the shipped 2017 scheme, in both
languages and on a phone: the badges saying the scheme is published and carried over wrap inside
the page (the English ones ran past a phone's width)."""

import pytest
from playwright.sync_api import expect

from tests import factories

from .conftest import switch_language

pytestmark = pytest.mark.django_db(transaction=True)


def test_carried_over_grading_rules_fit_a_phone_in_both_languages(page, live_server, log_in, snap):
    official = factories.provincial_official()
    log_in(page, official.username, factories.PASSWORD)
    page.goto(f"{live_server.url}/evaluation/schemes/grading/?year=2025")
    expect(page.get_by_text("沿用2017年方案", exact=False)).to_be_visible()
    snap(page, "grading-rules-carried-over")

    switch_language(page, "en")
    expect(page.get_by_text("Carried over from 2017", exact=False)).to_be_visible()
    snap(page, "grading-rules-carried-over")
