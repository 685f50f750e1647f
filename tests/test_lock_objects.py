"""Row locks are taken only through each app's lock_objects module, which states the order
(for the services app: the request, then the voucher, then ledger entries) and locks rows of
one kind in primary-key order, so concurrent transactions cannot deadlock."""

import re
from pathlib import Path

import pytest
from django.db import connection

from complexes.lock_objects import complexes_select_for_update
from evaluation.lock_objects import (
    management_decisions_select_for_update,
    reports_select_for_update,
)
from funding.lock_objects import allocations_select_for_update
from portal.lock_objects import jobs_select_for_update
from services.lock_objects import (
    service_requests_select_for_update,
    voucher_entries_select_for_update,
    vouchers_select_for_update,
)

ROOT = Path(__file__).resolve().parent.parent
APPS = ["accounts", "complexes", "dashboard", "evaluation", "funding", "portal", "services"]
LOCKING = re.compile(r"\.select_for_update\(|pg_advisory_xact_lock")


def test_no_module_outside_lock_objects_locks_rows_itself():
    offenders = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if path.name != "lock_objects.py"
        and "migrations" not in path.parts
        and LOCKING.search(path.read_text())
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "locking",
    [
        complexes_select_for_update,
        reports_select_for_update,
        management_decisions_select_for_update,
        allocations_select_for_update,
        jobs_select_for_update,
        service_requests_select_for_update,
        vouchers_select_for_update,
        voucher_entries_select_for_update,
    ],
)
@pytest.mark.django_db
def test_each_lock_takes_its_own_rows_in_primary_key_order(locking):
    queryset = locking()
    table = re.escape(connection.ops.quote_name(queryset.model._meta.db_table))
    sql = str(queryset.query)
    assert re.search(rf'ORDER BY {table}\."id" ASC FOR UPDATE OF {table}$', sql), sql
