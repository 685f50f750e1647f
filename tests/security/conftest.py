import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """The world's business licences are written to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def registrations_unlimited(settings):
    """Every role registers from the same test address: the per-address limit, tested in
    tests/services/test_registration.py, would answer the sixth role 429."""
    settings.REGISTRATION_RATE_LIMIT = "1000/h"
