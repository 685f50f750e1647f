"""A new database connection waits for a server that is not ready, and only for one."""

import time
import uuid

import psycopg2
import pytest
from django.db import connection

from bench.serving import free_port
from portal.postgresql import base

RETRY_SECONDS = 2


@pytest.fixture
def after_reaching_the_server(monkeypatch, settings):
    """A process that has reached the server once: it waits RETRY_SECONDS for it after that."""
    settings.DATABASE_CONNECT_RETRY_SECONDS = RETRY_SECONDS
    monkeypatch.setattr(base, "reached_server", True)


def connect(**overrides):
    wrapper = base.DatabaseWrapper({**connection.settings_dict, "NAME": "postgres", **overrides})
    return wrapper.get_new_connection(wrapper.get_connection_params())


def superuser_session():
    session = psycopg2.connect(
        host=connection.settings_dict["HOST"],
        port=connection.settings_dict["PORT"] or 5432,
        user=connection.settings_dict["USER"],
        dbname="postgres",
    )
    session.autocommit = True
    return session


@pytest.fixture
def role_without_connection_slots():
    """A role whose connection limit is reached: the server is up and refuses it, as it refuses
    everybody once max_connections is reached (SQLSTATE 53300)."""
    name = f"no_slots_{uuid.uuid4().hex[:12]}"
    session = superuser_session()
    with session.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} LOGIN CONNECTION LIMIT 0")
    try:
        yield name
    finally:
        with session.cursor() as cursor:
            cursor.execute(f"DROP ROLE {name}")
        session.close()


def test_a_server_without_free_connections_fails_at_once(
    after_reaching_the_server, role_without_connection_slots
):
    started = time.monotonic()
    with pytest.raises(psycopg2.OperationalError, match="too many connections"):
        connect(USER=role_without_connection_slots)
    assert time.monotonic() - started < RETRY_SECONDS / 2


def test_a_server_that_is_not_there_is_waited_for(after_reaching_the_server):
    started = time.monotonic()
    with pytest.raises(psycopg2.OperationalError, match="Connection refused"):
        connect(HOST="127.0.0.1", PORT=free_port())
    assert time.monotonic() - started >= RETRY_SECONDS


def test_the_first_connection_of_a_process_does_not_wait(settings, monkeypatch):
    settings.DATABASE_CONNECT_RETRY_SECONDS = RETRY_SECONDS
    monkeypatch.setattr(base, "reached_server", False)
    started = time.monotonic()
    with pytest.raises(psycopg2.OperationalError):
        connect(HOST="127.0.0.1", PORT=free_port())
    assert time.monotonic() - started < RETRY_SECONDS / 2
