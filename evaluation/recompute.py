"""The nightly recomputation: derived values, scores, ranks and grades, dynamic management,
then the steps other apps plug in (EVALUATION_RECOMPUTE_STEPS, e.g. the funding allocation).

Every step is idempotent: it replaces the year's rows in one transaction, keyed by the unique
constraints, so a rerun or a redelivery after a worker crash leaves identical rows. A
PostgreSQL advisory lock refuses a second run while one is going on.
"""

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from time import monotonic

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complexes.models import Complex, Status
from portal import policy
from portal.exceptions import NotPermitted
from portal.jobs import job_create, job_update, jobs_not_queued
from portal.models import Job, JobStatus
from portal.money import round_money

from . import scoring, selectors
from .models import (
    Adjustment,
    AnnualReport,
    DerivedValue,
    Evaluation,
    EvaluationScheme,
    Indicator,
    JobKind,
    Publication,
    ReportStatus,
    ReportValue,
)
from .services import dynamic_management_apply

logger = logging.getLogger(__name__)

# pg_try_advisory_lock key of the recomputation (any year): "EVALRCMP" as a number.
RECOMPUTE_LOCK_KEY = 0x4556414C52434D50
# pg_try_advisory_lock(JOB_LOCK_CLASS, job id) is held by the delivery running that job ("JOB";
# the two-key space does not overlap the one-key space of RECOMPUTE_LOCK_KEY).
JOB_LOCK_CLASS = 0x4A4F42
REFUSED = gettext_lazy("Refused: another recomputation is running.")
NOT_QUEUED = gettext_lazy(
    "Not queued: the task queue cannot be reached. The nightly run will start this job."
)


class AlreadyRunning(Exception):
    """Another session holds the advisory lock."""


@contextmanager
def _advisory_lock(*key: int) -> Iterator[None]:
    """Hold the session-level advisory lock ``key`` for the block, or raise AlreadyRunning at
    once. The server releases it by itself when the session ends, so a dead worker's lock is
    free for whoever takes its job over."""
    arguments = ", ".join(["%s"] * len(key))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_try_advisory_lock({arguments})", key)
        if not cursor.fetchone()[0]:
            raise AlreadyRunning
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT pg_advisory_unlock({arguments})", key)


def recompute_lock():
    """The one recomputation at a time (the dashboard's figures refresh takes it too)."""
    return _advisory_lock(RECOMPUTE_LOCK_KEY)


@transaction.atomic
def derived_values_refresh(*, year: int) -> int:
    """Recompute the year's derived values from every source of EVALUATION_DERIVED_SOURCES."""
    indicator_ids = dict(Indicator.objects.derived().values_list("code", "pk"))
    fresh: dict[tuple[int, int], Decimal] = {}
    for path in settings.EVALUATION_DERIVED_SOURCES:
        for complex_id, code, value in import_string(path)(year=year):
            if code not in indicator_ids:
                raise ValueError(f"{path} returned {code!r}, which is not a derived indicator.")
            # Every value is stored to two places, the fen of the money indicators.
            fresh[(complex_id, indicator_ids[code])] = round_money(value)
    fresh_complexes, fresh_indicators, fresh_values = [], [], []
    for (complex_id, indicator_id), value in sorted(fresh.items()):
        fresh_complexes.append(complex_id)
        fresh_indicators.append(indicator_id)
        fresh_values.append(value)
    table = DerivedValue._meta.db_table
    with connection.cursor() as cursor:
        # One statement whatever the number of rows (the arrays travel once): rows no source
        # returns any more go, new and changed values are upserted, and an unchanged row is not
        # written again (a nightly rerun mostly finds the same figures).
        cursor.execute(
            f"""
            WITH fresh AS (
                SELECT * FROM unnest(%s::integer[], %s::integer[], %s::numeric[])
                    AS fresh (complex_id, indicator_id, value)
            ),
            vanished AS (
                DELETE FROM {table} AS derived
                WHERE derived.year = %s AND NOT EXISTS (
                    SELECT 1 FROM fresh
                    WHERE fresh.complex_id = derived.complex_id
                      AND fresh.indicator_id = derived.indicator_id
                )
            )
            INSERT INTO {table} AS derived (complex_id, indicator_id, year, value)
            SELECT fresh.complex_id, fresh.indicator_id, %s, fresh.value
            FROM fresh
            LEFT JOIN {table} AS stored
                ON stored.year = %s
                AND stored.complex_id = fresh.complex_id
                AND stored.indicator_id = fresh.indicator_id
            WHERE stored.value IS DISTINCT FROM fresh.value
            ON CONFLICT (complex_id, year, indicator_id) DO UPDATE SET value = EXCLUDED.value
            """,
            [
                *map(_array_literal, (fresh_complexes, fresh_indicators, fresh_values)),
                year,
                year,
                year,
            ],
        )
    return len(fresh)


def _array_literal(numbers: list) -> str:
    """A PostgreSQL array literal: psycopg2 adapts a list item by item (about 50 ms for the
    60,000 numbers of the derived values at scale 10), one joined string costs next to nothing."""
    return "{" + ",".join(map(str, numbers)) + "}"


def _scheme_input(scheme: EvaluationScheme) -> scoring.Scheme:
    return scoring.Scheme(
        indicators=tuple(
            scoring.WeightedIndicator(
                code=weight.indicator.code,
                weight=weight.weight,
                higher_is_better=weight.indicator.higher_is_better,
            )
            for weight in scheme.weights.all()
        ),
        normalization=scheme.normalization,
        floor=scheme.floor,
        excellent_from=scheme.excellent_from,
        good_from=scheme.good_from,
        pass_from=scheme.pass_from,
    )


@transaction.atomic
def evaluation_publish(*, year: int, job: Job | None = None) -> Publication:
    """Score, rank and grade the year's approved reports, category by category, and replace the
    year's results with the answer."""
    evaluated = dict(
        Complex.objects.filter(
            level__in=settings.EVALUATION_LEVELS,
            status__in=[Status.OPERATING, Status.RECTIFYING],
            reports__year=year,
            reports__status=ReportStatus.APPROVED,
        ).values_list("pk", "category")
    )
    values: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for complex_id, code, value in ReportValue.objects.filter(
        report__year=year, report__status=ReportStatus.APPROVED, report__complex_id__in=evaluated
    ).values_list("report__complex_id", "indicator__code", "value"):
        values[complex_id][code] = value
    for complex_id, code, value in DerivedValue.objects.filter(
        year=year, complex_id__in=evaluated
    ).values_list("complex_id", "indicator__code", "value"):
        values[complex_id][code] = value
    adjustments = (
        Adjustment.objects.approved()
        .filter(year=year, complex_id__in=evaluated)
        .values_list("complex_id", "item_code")
    )
    rows, schemes = [], []
    for category in sorted(set(evaluated.values())):
        scheme = selectors.scheme_for(year=year, category=category)
        if scheme is None:
            continue
        schemes.append(scheme)
        item_points = {item.code: item.points for item in scheme.adjustment_items.all()}
        bonus: dict[int, Decimal] = defaultdict(Decimal)
        for complex_id, code in adjustments:
            bonus[complex_id] += item_points.get(code, Decimal(0))
        results = scoring.score_category(
            _scheme_input(scheme),
            [
                scoring.ComplexInput(complex_id, values[complex_id], bonus[complex_id])
                for complex_id, complex_category in evaluated.items()
                if complex_category == category
            ],
        )
        rows += [
            (
                result.complex_id,
                category,
                scheme.pk,
                result.score,
                result.rank,
                result.grade,
                json.dumps([_line(line) for line in result.breakdown]),
            )
            for result in results
        ]
    _results_replace(year=year, rows=rows)
    now = timezone.now()
    EvaluationScheme.objects.filter(
        pk__in=[scheme.pk for scheme in schemes], published_at__isnull=True
    ).update(published_at=now)
    publication, _created = Publication.objects.update_or_create(
        year=year, defaults={"computed_at": now, "job": job}
    )
    publication.schemes.set(schemes)
    return publication


def _results_replace(*, year: int, rows: list[tuple]) -> None:
    """The year's results become ``rows`` (complex, category, scheme, score, rank, grade,
    breakdown as JSON) in one statement; a result that did not change is not written again."""
    columns = list(zip(*rows, strict=True)) if rows else [[]] * 7
    table = Evaluation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH fresh AS (
                SELECT * FROM unnest(
                    %s::bigint[], %s::text[], %s::bigint[], %s::numeric[], %s::integer[],
                    %s::text[], %s::jsonb[]
                ) AS fresh (complex_id, category, scheme_id, score, rank, grade, breakdown)
            ),
            vanished AS (
                DELETE FROM {table} AS result
                WHERE result.year = %s
                  AND NOT EXISTS (SELECT 1 FROM fresh WHERE fresh.complex_id = result.complex_id)
            )
            INSERT INTO {table} AS result
                (complex_id, year, category, scheme_id, score, rank, grade, breakdown)
            SELECT complex_id, %s, category, scheme_id, score, rank, grade, breakdown FROM fresh
            ON CONFLICT (complex_id, year) DO UPDATE SET
                category = EXCLUDED.category, scheme_id = EXCLUDED.scheme_id,
                score = EXCLUDED.score, rank = EXCLUDED.rank, grade = EXCLUDED.grade,
                breakdown = EXCLUDED.breakdown
            WHERE (result.category, result.scheme_id, result.score, result.rank, result.grade,
                   result.breakdown)
                IS DISTINCT FROM (EXCLUDED.category, EXCLUDED.scheme_id, EXCLUDED.score,
                                  EXCLUDED.rank, EXCLUDED.grade, EXCLUDED.breakdown)
            """,
            [*(list(column) for column in columns), year, year],
        )


def _line(line: scoring.BreakdownLine) -> dict:
    return {
        "indicator": line.indicator,
        "value": None if line.value is None else str(line.value),
        "normalized": str(line.normalized),
        "weight": str(line.weight),
        "points": str(line.points),
    }


def _latest_result_year() -> int | None:
    return Evaluation.objects.order_by("-year").values_list("year", flat=True).first()


def evaluation_recompute(*, year: int, job: Job | None = None, report: Callable | None = None):
    """All the steps for one year, each in its own transaction so progress shows in between."""
    report = report or (lambda step, progress, seconds: None)
    steps: list[tuple[str, Callable]] = [
        ("derived_values", lambda: derived_values_refresh(year=year)),
        ("scores", lambda: evaluation_publish(year=year, job=job)),
        ("dynamic_management", lambda: _manage_if_latest(year)),
    ]
    steps += [
        (path.rsplit(".", 1)[-1], lambda path=path: import_string(path)(year=year, job=job))
        for path in settings.EVALUATION_RECOMPUTE_STEPS
    ]
    for number, (name, step) in enumerate(steps, 1):
        started = monotonic()
        step()
        report(name, int(number * 100 / len(steps)), round(monotonic() - started, 3))


def _manage_if_latest(year: int) -> None:
    # Status changes follow the newest results only: recomputing a past year leaves them be.
    if year >= (_latest_result_year() or year):
        dynamic_management_apply(year=year)


# Jobs ----------------------------------------------------------------------------------------


def job_start(*, kind: str, actor, parameters: dict) -> Job:
    """Record a job and hand it to a worker once the row is committed (portal.jobs: with the
    broker down it stays recorded as not queued, for the nightly catch-up)."""
    if actor is not None and not policy.can(actor, "recompute.run"):
        raise NotPermitted(_("Only the province can start a recomputation."))
    return job_create(kind=kind, owner=actor, parameters=parameters)


def jobs_catch_up() -> list[Job]:
    """Run the jobs that could not be queued, here and one after the other (so they never
    refuse each other on the advisory lock)."""
    return [job_run(job_id=pk) for pk in jobs_not_queued(kind=JobKind.RECOMPUTE)]


def job_run(*, job_id: int) -> Job:
    """Run a recorded job, unless another delivery of it is running it: a redelivery (the broker
    hands a long task out again) leaves that job as it is, and one that already finished too.
    A job left running by a worker that died holds no lock any more, and is run again."""
    job = Job.objects.get(pk=job_id, kind=JobKind.RECOMPUTE)
    if job.finished:
        return job
    try:
        with _advisory_lock(JOB_LOCK_CLASS, job.pk):
            job.refresh_from_db()  # the other delivery may have finished it in the meantime
            if not job.finished:
                _job_run_locked(job)
    except AlreadyRunning:
        logger.info("Job %s is being run by another delivery: left as it is", job.pk)
    return job


def _job_run_locked(job: Job) -> None:
    """Run a job this delivery alone holds; refused while another recomputation runs."""
    try:
        with recompute_lock():
            job_update(
                job,
                status=JobStatus.RUNNING,
                started_at=timezone.now(),
                finished_at=None,
                progress=0,
                step="",
                error="",
                timings={},
            )
            evaluation_recompute(
                year=int(job.parameters["year"]),
                job=job,
                report=lambda step, progress, seconds: _job_progress(job, step, progress, seconds),
            )
            job_update(job, status=JobStatus.SUCCEEDED, progress=100, finished_at=timezone.now())
    except AlreadyRunning:
        job_update(
            job,
            status=JobStatus.FAILED,
            error=str(REFUSED),
            finished_at=timezone.now(),
        )
    except Exception as error:
        logger.exception("Job %s failed", job.pk)
        job_update(job, status=JobStatus.FAILED, error=str(error), finished_at=timezone.now())


def _job_progress(job: Job, step: str, progress: int, seconds: float) -> None:
    job.timings = {**job.timings, step: seconds}
    job_update(job, step=step, progress=progress, timings=job.timings)


def recompute_year_default() -> int | None:
    """What the nightly run recomputes: the latest year with approved reports."""
    return (
        AnnualReport.objects.filter(status=ReportStatus.APPROVED)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
