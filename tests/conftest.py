import os

import pytest
from celery import current_app
from django.test import TransactionTestCase
from rest_framework.test import APIClient

from . import factories


def _forget_broker_connections():
    current_app._pool = None
    current_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """A broker nobody listens on: publishing fails as with Redis stopped."""
    conf = current_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, "redis://127.0.0.1:1/0"
    _forget_broker_connections()
    yield
    conf.task_always_eager, conf.broker_url = saved
    _forget_broker_connections()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as(api_client):
    """An API client authenticated as the given user (``None``: anonymous)."""

    def login(user):
        api_client.force_authenticate(user=user)
        return api_client

    return login


@pytest.fixture
def client_as(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def yongkang_complex(db):
    return factories.ComplexFactory(
        region=factories.region("330784"), name="永康五金产业创新服务综合体"
    )


@pytest.fixture
def hangzhou_complex(db):
    return factories.ComplexFactory(
        region=factories.region("330110"), name="余杭家纺产业创新服务综合体", industry="家纺"
    )


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs a Redis server: set REDIS_URL (CI sets redis://127.0.0.1:6379/0)")
    return url


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and throttles count in the cache: every test starts from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """LocaleMiddleware activates a request's language in the thread and nothing deactivates it,
    so a test client request in English would leave English on for the next test of the same
    process: every test starts in the portal's default language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


# What the data migrations ship: (migration module, loader) — the loaders are idempotent.
SHIPPED_DATA = [
    ("complexes.migrations.0002_load_regions", "load_regions"),
    ("evaluation.migrations.0002_default_catalogue_and_schemes", "load"),
    ("evaluation.migrations.0009_indicator_definitions", "fill_definitions"),
    ("evaluation.migrations.0014_shipped_rubric", "ship_rubric"),
    ("funding.migrations.0002_default_rules_and_freeze", "create_defaults"),
    ("services.migrations.0005_voucher_rules", "ship_default_rules"),
]


@pytest.fixture(autouse=True)
def _shipped_data_survives_flushes(request):
    """A transactional test ends with a flush of every table, what the data migrations ship
    included (regions, indicators, default schemes and rules): the tests that use the database
    after one, on the same worker process, load it again."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        marker and marker.kwargs.get("transaction")
    ) or "live_server" in request.fixturenames
    if transactional:
        request.getfixturevalue("transactional_db")
    elif marker or "db" in request.fixturenames:
        # A test in a transaction may still follow a flush on the same worker process.
        request.getfixturevalue("db")
    elif not isinstance(request.instance, TransactionTestCase):
        # Django's own test classes (hypothesis' among them) have the database open already.
        return
    from importlib import import_module

    from django.apps import apps

    from complexes.models import Region

    if Region.objects.exists():
        return
    for module, loader in SHIPPED_DATA:
        getattr(import_module(module), loader)(apps, None)


@pytest.fixture
def one_rate_window(monkeypatch):
    """django-ratelimit counts in fixed windows (a minute, an hour): posts that straddle the end
    of one start the count again. Tests of a limit count within a single window."""
    import django_ratelimit.core

    monkeypatch.setattr(django_ratelimit.core, "_get_window", lambda value, period: 2**40)
