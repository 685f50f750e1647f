"""The Content-Security-Policy: on every response, and no page needs more than it allows.

The policy forbids inline scripts (no 'unsafe-inline', no nonce is handed out) and eval, so every
page is parsed for what a browser would then refuse to run: an inline <script>, an event handler
attribute (onclick=…), a javascript: URL, an htmx hx-on attribute, an inline <style> element.
"""

import json
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.security.test_page_matrix import ARGUMENTS, page_names
from tests.security.world import ROLES, build_world
from tests.test_settings import STRONG_KEY, run_manage

pytestmark = pytest.mark.django_db

# Script elements that hold data, not code: a browser never runs them.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def policy(response) -> dict[str, list[str]]:
    """The response's policy as {directive: [source, …]}."""
    header = response.headers["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


class InlineCode(HTMLParser):
    """Collects what a page would run or style inline."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._script_start: str | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.found.append(f"<{tag} {name}=…>")
            elif (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")
        if tag == "style":
            self.found.append("<style> element")
        script_type = (attributes.get("type") or "").lower()
        if tag == "script" and "src" not in attributes and script_type not in DATA_SCRIPT_TYPES:
            self._script_start = self.get_starttag_text()
            self._script_text = []

    def handle_data(self, data):
        if self._script_start is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script_start is not None:
            self.found.append(f"{self._script_start}{''.join(self._script_text)[:60]}")
            self._script_start = None


def inline_code(response) -> list[str]:
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser.found


def assert_strict_policy(response) -> None:
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["connect-src"] == ["'self'"]
    header = response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in header
    # 'unsafe-inline' only for style attributes (ECharts' tooltip markup), never for code.
    assert [name for name, sources in directives.items() if "'unsafe-inline'" in sources] == [
        "style-src-attr"
    ]


@pytest.fixture
def superuser_client():
    client = Client()
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/complexes/",
        "/api/docs/",
        "/api/docs/?script",
        "/api/schema/",
        "/api/v1/complexes/",
        "/admin/",
        "/admin/complexes/complex/",
        "/no-such-page/",
    ],
)
def test_every_response_carries_the_strict_policy(superuser_client, url):
    response = superuser_client.get(url)
    assert response.status_code in (200, 404)
    assert_strict_policy(response)


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/", "/dashboard/"])
def test_anonymous_answers_carry_the_strict_policy(client, url):
    assert_strict_policy(client.get(url))


def test_the_officials_pages_and_error_pages_carry_the_policy(client_as, yongkang_complex):
    client = client_as(factories.provincial_official())
    for url in (
        reverse("dashboard:overview"),
        reverse("complexes:detail", args=[yongkang_complex.code]),
        reverse("complexes:detail", args=["no-such-complex"]),
    ):
        assert_strict_policy(client.get(url))


def test_the_api_docs_run_only_the_portals_files(superuser_client):
    page = superuser_client.get("/api/docs/")
    assert page.status_code == 200
    assert inline_code(page) == []
    # Swagger UI's start-up script is a file of its own, served as JavaScript.
    script = superuser_client.get("/api/docs/?script")
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in script.content


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/complexes/complex/", "/admin/complexes/complex/add/"]
)
def test_the_admin_runs_no_inline_script(superuser_client, url):
    response = superuser_client.get(url)
    assert response.status_code == 200
    assert inline_code(response) == []


def test_no_page_holds_inline_code_for_any_role():
    """Every page of the portal, fetched by every role, parsed for inline code."""
    users, side_a, _side_b = build_world()
    pages_seen = 0
    offences = {}
    for role in ROLES:
        client = Client()
        if users[role] is not None:
            client.force_login(users[role])
        for name in page_names():
            kwargs = ARGUMENTS[name](side_a) if name in ARGUMENTS else None
            with transaction.atomic():
                response = client.get(reverse(name, kwargs=kwargs))
                transaction.set_rollback(True)
            if response.status_code != 200 or "text/html" not in response.headers.get(
                "Content-Type", ""
            ):
                continue
            pages_seen += 1
            assert_strict_policy(response)
            if found := inline_code(response):
                offences[f"{role} {name}"] = found
    assert offences == {}
    # The walk did see the pages (a broken world would pass with nothing fetched).
    assert pages_seen > 100


def test_development_gets_the_same_policy_as_production():
    print_policy = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.CONTENT_SECURITY_POLICY))"
    )
    policies = [
        run_manage("shell", "-c", print_policy, DJANGO_DEBUG=debug, DJANGO_SECRET_KEY=STRONG_KEY)
        for debug in ("true", "false")
    ]
    # The policy is the last line printed (the shell announces its automatic imports first).
    development, production = (json.loads(result.stdout.splitlines()[-1]) for result in policies)
    assert development == production
    assert development["DIRECTIVES"]["script-src"] == ["'self'"]
