"""The dashboard and the evaluation results are rendered once for each audience, language and URL
until something they show changes (``portal.page_cache.kept_until_data_changes``): every table
the kept parts read records each transaction that writes to it (``dashboard.data_version``),
whether through the ORM or the nightly job's own SQL, once committed."""

import re
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from importlib import import_module

import psycopg2
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complexes.models import Complex, Status
from dashboard.data_version import data_version, forget_old_changes
from dashboard.models import DataChange
from dashboard.selectors import current_year
from evaluation.models import (
    DerivedValue,
    Evaluation,
    EvaluationScheme,
    Indicator,
    ManagementDecision,
    ManagementKind,
    RecheckOutcome,
    ReportStatus,
)
from portal.page_cache import KEPT_CSRF_TOKEN

from . import factories
from .evaluation.factories import draft_run, report

# The tables the migrations put the trigger on.
WATCHED = {
    table
    for migration in ("0003_data_change_triggers", "0004_watch_management_decisions")
    for table in import_module(f"dashboard.migrations.{migration}").WATCHED
}
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


def tables_read(statements) -> set[str]:
    read = set()
    for sql in statements:
        read |= set(re.findall(r'(?:FROM|JOIN)\s+"?([a-z_0-9]+)"?', sql))
    return read - {"in_scope", "services", "qualify"}  # the statements' own named parts


def without_tokens(page: str) -> str:
    """The page without its forms' CSRF tokens (masked afresh for each response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def at_risk_and_ranked(complex_, year: int) -> None:
    """A failed result last year and a low rating this year (two warnings), a result and this
    year's report, submitted."""
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
    report(complex_, year, status=ReportStatus.SUBMITTED)


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
    read = tables_read(query["sql"] for query in queries.captured_queries)
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
@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/?region=330784",
        "/evaluation/results/",
        "/evaluation/results/?region=330700&category=traditional",
        "/evaluation/reports/",
    ],
)
def test_what_a_kept_page_reads_only_when_it_renders_it_is_all_recorded(
    client_as, yongkang_complex, url
):
    """The statements of a first visit that a second one no longer makes are those of the
    kept parts: every table they read is one whose writes change the version."""
    at_risk_and_ranked(yongkang_complex, current_year())
    client = client_as(factories.provincial_official())
    with CaptureQueriesContext(connection) as first:
        assert yongkang_complex.name in main(client.get(url))
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    rendered = Counter(q["sql"] for q in first.captured_queries)
    rendered.subtract(q["sql"] for q in second.captured_queries)
    kept_reads = tables_read(sql for sql, n in rendered.items() if n > 0) - AROUND_THE_PAGE
    assert kept_reads and kept_reads <= WATCHED, kept_reads - WATCHED


@COMMITTING
def test_the_results_are_kept_for_each_audience_and_a_new_score_shows_on_the_next_visit(
    client_as, yongkang_complex, hangzhou_complex
):
    year = current_year()
    at_risk_and_ranked(yongkang_complex, year)
    at_risk_and_ranked(hangzhou_complex, year)
    url = f"/evaluation/results/?year={year}"
    province = client_as(factories.provincial_official())
    first = main(province.get(url))
    assert yongkang_complex.name in first and hangzhou_complex.name in first
    with CaptureQueriesContext(connection) as queries:
        second = main(province.get(url))
    # Session, user, version, publication, latest job, inbox count.
    assert len(queries) == 6
    assert without_tokens(second) == without_tokens(first)
    # Written as the nightly job writes: SQL, no model signal.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE evaluation_evaluation SET score = 77.25 WHERE complex_id = %s AND year = %s",
            [hangzhou_complex.pk, year],
        )
    assert "77.25" in main(province.get(url))
    city = main(client_as(factories.regional_official("330700")).get(url))
    assert yongkang_complex.name in city and hangzhou_complex.name not in city


@COMMITTING
def test_the_reports_are_kept_for_each_audience_and_a_review_shows_on_the_next_visit(
    client_as, yongkang_complex, hangzhou_complex
):
    year = current_year()
    at_risk_and_ranked(yongkang_complex, year)
    at_risk_and_ranked(hangzhou_complex, year)
    province = client_as(factories.provincial_official())
    first = main(province.get("/evaluation/reports/"))
    assert yongkang_complex.name in first and hangzhou_complex.name in first
    with CaptureQueriesContext(connection) as queries:
        second = main(province.get("/evaluation/reports/"))
    assert second == first and len(queries) == 4  # session, user, version, inbox count
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE evaluation_annualreport SET status = %s WHERE complex_id = %s",
            [ReportStatus.APPROVED, hangzhou_complex.pk],
        )
    assert str(ReportStatus.APPROVED.label) in main(province.get("/evaluation/reports/"))
    operator = main(client_as(factories.operator_of(yongkang_complex)).get("/evaluation/reports/"))
    assert yongkang_complex.name in operator and hangzhou_complex.name not in operator


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


@COMMITTING
def test_the_kept_work_lists_carry_each_readers_own_csrf_token(yongkang_complex):
    """The re-check forms are kept with the results: the page kept for one official carries,
    for the next, a token of their own session, which the re-check accepts; the recorded
    re-check leaves the list on the next visit."""
    Complex.objects.filter(pk=yongkang_complex.pk).update(status=Status.RECTIFYING)
    decision = ManagementDecision.objects.create(
        complex=yongkang_complex,
        year=current_year(),
        kind=ManagementKind.RECTIFY,
        reason="整改",
        deadline=timezone.localdate() + timedelta(days=30),
    )
    readers = []
    for _official in range(2):
        reader = Client(enforce_csrf_checks=True)
        reader.force_login(factories.provincial_official())
        readers.append(reader)
    recheck_url = f"/evaluation/decisions/{decision.pk}/recheck/"
    first, kept = (main(reader.get("/evaluation/results/")) for reader in readers)
    assert recheck_url in kept and KEPT_CSRF_TOKEN not in first + kept
    form = kept[kept.index(f'action="{recheck_url}"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = readers[1].post(
        recheck_url,
        {
            "csrfmiddlewaretoken": token,
            "passed": "true",
            "checked_on": timezone.localdate().isoformat(),
            "note": "复核通过",
        },
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.recheck_outcome == RecheckOutcome.PASSED
    assert recheck_url not in main(readers[0].get("/evaluation/results/"))
