"""Production mode is safe by default; development keeps working without configuration."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k" * 20 + "production-grade-secret-key-material-0123456789"


def run_manage(*args, **environment):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = run_manage("check", DJANGO_DEBUG="false", DJANGO_SECRET_KEY="django-insecure-abc")
    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_deploy_checks_are_clean_under_production_settings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_DEBUG="false", DJANGO_SECRET_KEY=STRONG_KEY, DJANGO_ALLOWED_HOSTS="portal.example.org",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_runs_with_no_configuration_at_all():
    result = run_manage("check", DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_security_headers_and_health(client):
    response = client.get("/healthz/")
    assert response.json() == {"status": "ok"}
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_static_files_collect_under_production_settings(tmp_path):
    result = run_manage(
        "collectstatic", "--no-input", "-v", "0",
        DJANGO_DEBUG="false", DJANGO_SECRET_KEY=STRONG_KEY, DJANGO_STATIC_ROOT=str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()


def settings_value(expression: str, **environment) -> str:
    """``expression`` over the settings module as a process with ``environment`` loads it."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(DJANGO_DEBUG="true", **environment)
    result = subprocess.run(
        [sys.executable, "-c", f"import config.settings as s; print(*({expression}))"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("environment", "proxies"),
    [
        ({}, 0),
        ({"DJANGO_PROXY_COUNT": "2"}, 0),
        ({"DJANGO_BEHIND_PROXY": "true"}, 1),
        ({"DJANGO_BEHIND_PROXY": "true", "DJANGO_PROXY_COUNT": "2"}, 2),
    ],
)
def test_limiters_trust_forwarded_addresses_only_behind_a_configured_proxy(environment, proxies):
    expression = "s.TRUSTED_PROXY_COUNT, s.REST_FRAMEWORK['NUM_PROXIES']"
    assert settings_value(expression, **environment) == f"{proxies} {proxies}"
