"""The dashboard is rendered once for each audience, language and URL until something it shows
changes: every table it reads records each transaction that writes to it (``dashboard.
data_version``), whether through the ORM or the nightly job's own SQL, once committed."""

import re
from datetime import timedelta
from decimal import Decimal
from importlib import import_module

import psycopg2
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboard.data_version import data_version, forget_old_changes
from dashboard.models import DataChange
from dashboard.selectors import current_year
from evaluation.models import DerivedValue, Evaluation, EvaluationScheme, Indicator

from . import factories
from .evaluation.factories import draft_run

# The tables the migration puts the trigger on.
WATCHED = set(import_module("dashboard.migrations.0003_data_change_triggers").WATCHED)
# Each write commits as it would in production (a test's own transaction has written, so its
# pages would be rendered and not kept).
COMMITTING = pytest.mark.django_db(transaction=True, serialized_rollback=True)
# Read around the kept page for each request: the reader and their messages, and the version.
AROUND_THE_PAGE = {
    "django_session",
    "accounts_user",
    "accounts_notification",
    DataChange._meta.db_table,
}


def main(response) -> str:
    """The page below the navigation (whose forms carry a fresh CSRF token each time)."""
    return response.content.decode().split('id="main"', 1)[1]


def at_risk_and_ranked(complex_, year: int) -> None:
    """A failed result last year and a low rating this year (two warnings), and a result."""
    scheme = EvaluationScheme.objects.filter(category="traditional").first()
    for when, grade in ((year - 1, "fail"), (year, "good")):
        Evaluation.objects.create(
            run=draft_run(when), complex=complex_, year=when, category="traditional",
            scheme=scheme, score=Decimal("41.00"), rank=1, grade=grade,
        )  # fmt: skip
    DerivedValue.objects.create(
        complex=complex_,
        year=year,
        indicator=Indicator.objects.get(code="average_rating"),
        value=Decimal("3.10"),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("region", ["330000", "330700", "330784"])
def test_the_page_reads_only_the_tables_whose_writes_are_recorded(
    client_as, yongkang_complex, region
):
    at_risk_and_ranked(yongkang_complex, current_year())
    client = client_as(factories.provincial_official())
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/dashboard/", {"region": region, "year": current_year()})
    assert page.status_code == 200 and yongkang_complex.name in page.content.decode()
    read = set()
    for query in queries.captured_queries:
        read |= set(re.findall(r'(?:FROM|JOIN)\s+"?([a-z_0-9]+)"?', query["sql"]))
    read -= {"in_scope", "services", "qualify"}  # the statements' own named parts
    assert read - AROUND_THE_PAGE <= WATCHED, read - AROUND_THE_PAGE - WATCHED
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_object_table FROM information_schema.triggers "
            "WHERE trigger_name = 'dashboard_data_changed'"
        )
        assert {table for (table,) in cursor.fetchall()} == WATCHED


@pytest.mark.django_db
@pytest.mark.parametrize("table", sorted(WATCHED))
def test_any_statement_on_a_watched_table_records_its_transaction_once(table):
    count = DataChange.objects.count()
    with connection.cursor() as cursor:
        # As a transaction that has written to none of them yet (this test's has, if a fixture
        # wrote to one).
        cursor.execute("SELECT set_config('dashboard.changed_in', '', true)")
        for _twice in range(2):
            cursor.execute(f"DELETE FROM {table} WHERE false")
    assert DataChange.objects.count() == count + 1


@COMMITTING
def test_an_uncommitted_write_leaves_the_version_until_it_commits():
    """Read by another connection while the writer's transaction is open, then after it commits:
    a page rendered in between is kept under the version without the write."""
    settings = connection.settings_dict
    writer = psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"],
        port=settings["PORT"],
    )
    try:
        before = data_version()
        with writer.cursor() as cursor:
            cursor.execute("UPDATE complexes_region SET name = name WHERE code = '330784'")
            assert data_version() == before
        writer.commit()
        assert data_version() != before
    finally:
        writer.close()


@COMMITTING
def test_a_second_visit_is_the_kept_page_and_a_write_by_sql_shows_on_the_next(
    client_as, yongkang_complex
):
    at_risk_and_ranked(yongkang_complex, current_year())
    client = client_as(factories.provincial_official())
    url = f"/dashboard/?region=330784&year={current_year()}"
    first = main(client.get(url))
    assert yongkang_complex.name in first
    with CaptureQueriesContext(connection) as queries:
        second = main(client.get(url))
    assert second == first and len(queries) == 4  # session, user, version, notifications
    # Written as the nightly job writes: SQL, no model signal.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE complexes_complex SET name = %s WHERE id = %s",
            ["永康五金综合体（更名）", yongkang_complex.pk],
        )
    assert "永康五金综合体（更名）" in main(client.get(url))


@COMMITTING
def test_each_audience_has_its_own_page(client_as, yongkang_complex):
    """The same URL read by the province and by a city official: each gets the page the policy
    gives them (the breadcrumbs start at their own region)."""
    url = "/dashboard/?region=330784"
    province = client_as(factories.provincial_official()).get(url).content.decode()
    city = client_as(factories.regional_official("330700")).get(url).content.decode()
    assert "region=330000" in province and "region=330000" not in city


@pytest.mark.django_db
def test_a_reader_whose_transaction_has_written_gets_a_page_not_kept(client_as, yongkang_complex):
    """Its version would count its own uncommitted rows, and its later writes would not change
    it: the page is rendered for it alone."""
    client = client_as(factories.provincial_official())
    assert data_version() is None  # the test's transaction has written
    client.get("/dashboard/?region=330784")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE complexes_region SET name_zh_hans = '永康（更名）' WHERE code = '330784'"
        )
    assert "永康（更名）" in main(client.get("/dashboard/?region=330784"))


@pytest.mark.django_db
def test_changes_a_day_old_are_forgotten_but_the_newest_is_kept():
    DataChange.objects.all().delete()
    old = timezone.now() - timedelta(days=2)
    for _ in range(3):
        DataChange.objects.create()
    DataChange.objects.update(changed_at=old)
    newest = DataChange.objects.latest("id")
    assert forget_old_changes() == 2
    assert list(DataChange.objects.values_list("id", flat=True)) == [newest.pk]
