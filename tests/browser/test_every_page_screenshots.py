"""Every page the language walk reads (tests/ui/test_language_walk.py), opened in the browser as
the role the walk opens it as, in Chinese and in English: a screenshot of each at 1280 px and at
a phone's 375 px under test-artifacts/screenshots/ (the ``snap`` fixture), where no page may
scroll sideways."""

import pytest

from tests import factories
from tests.ui.test_language_walk import page_path, seeded  # noqa: F401 (seeded: the fixture)

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ("zh-hans", "en")


def test_every_page_has_its_screenshots_in_both_languages_and_on_a_phone(
    page,
    live_server,
    log_in,
    snap,
    seeded,  # noqa: F811 (the imported fixture)
):
    signed_in = "nobody yet"
    failed = {}
    # One sign-in per role: the pages grouped by the role that opens them.
    for name, (role, _kwargs) in sorted(seeded["routes"].items(), key=lambda item: item[1][0]):
        if role != signed_in:
            page.context.clear_cookies()
            if seeded["users"][role] is not None:
                log_in(page, seeded["users"][role].username, factories.PASSWORD)
            signed_in = role
        for language in LANGUAGES:
            page.context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
            response = page.goto(live_server.url + page_path(seeded, name))
            assert response.status == 200, (name, language, response.status)
            try:
                snap(page, "page-" + name.replace(":", "-"))
            except AssertionError as wider:
                failed[(name, language)] = str(wider)[:400]
    assert failed == {}
