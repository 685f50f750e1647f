"""The nightly recomputation: derived values, scores, ranks and grades, dynamic management,
then the steps other apps plug in (EVALUATION_RECOMPUTE_STEPS, e.g. the funding allocation).

Every step is idempotent: it replaces the year's rows in one transaction, keyed by the unique
constraints, so a rerun or a redelivery after a worker crash leaves identical rows. Scores go
into the year's draft revision with the inputs they were computed from; a published revision is
never written (evaluation/revisions.py publishes and discards). A PostgreSQL advisory lock
refuses a second run while one is going on.
"""

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from time import monotonic

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complexes.models import Complex, Status
from portal import policy
from portal.exceptions import NotPermitted
from portal.jobs import job_start_once, job_update, jobs_not_queued
from portal.models import Job, JobStatus
from portal.money import round_money

from . import scoring, selectors
from .lock_objects import runs_select_for_update
from .missing_reports import missing_reports_fail
from .models import (
    Adjustment,
    AnnualReport,
    DerivedValue,
    Evaluation,
    EvaluationRun,
    EvaluationScheme,
    ExpertReview,
    Indicator,
    JobKind,
    Publication,
    ReportStatus,
    ReportValue,
    RevisionStatus,
    RunInput,
)
from .report_notices import recompute_failed_tell
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
    _values_replace(DerivedValue, scope=("year", year), values=fresh)
    return len(fresh)


def _values_replace(
    model: type[DerivedValue] | type[RunInput],
    *,
    scope: tuple[str, int],
    values: dict[tuple[int, int], Decimal],
) -> None:
    """The rows of ``model`` whose ``scope`` column has the given value (a year's derived
    values, a revision's inputs) become ``values`` by (complex id, indicator id), in one
    statement whatever the number of rows (the arrays travel once): rows that are not in
    ``values`` go, new and changed values are upserted, and an unchanged row is not written
    again (a nightly rerun mostly finds the same figures)."""
    complexes, indicators, numbers = [], [], []
    for (complex_id, indicator_id), value in sorted(values.items()):
        complexes.append(complex_id)
        indicators.append(indicator_id)
        numbers.append(value)
    column, key = scope
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH fresh AS (
                SELECT * FROM unnest(%s::integer[], %s::integer[], %s::numeric[])
                    AS fresh (complex_id, indicator_id, value)
            ),
            vanished AS (
                DELETE FROM {table} AS stored
                WHERE stored.{column} = %s AND NOT EXISTS (
                    SELECT 1 FROM fresh
                    WHERE fresh.complex_id = stored.complex_id
                      AND fresh.indicator_id = stored.indicator_id
                )
            )
            INSERT INTO {table} AS stored (complex_id, indicator_id, {column}, value)
            SELECT fresh.complex_id, fresh.indicator_id, %s, fresh.value
            FROM fresh
            LEFT JOIN {table} AS existing
                ON existing.{column} = %s
                AND existing.complex_id = fresh.complex_id
                AND existing.indicator_id = fresh.indicator_id
            WHERE existing.value IS DISTINCT FROM fresh.value
            ON CONFLICT ({column}, complex_id, indicator_id) DO UPDATE SET value = EXCLUDED.value
            """,
            [*map(_array_literal, (complexes, indicators, numbers)), key, key, key],
        )


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
        data_weight=scheme.data_weight,
        excellent_quota_percent=scheme.excellent_quota_percent,
    )


@dataclass(frozen=True)
class ScoredComplex:
    """Everything one complex's result is computed from: its category and the scheme applied
    to it, the values scored (by indicator code), its bonus and penalty points and its expert
    score (None without a submitted expert review)."""

    complex_id: int
    category: str
    scheme_id: int
    values: Mapping[str, Decimal]
    adjustment: Decimal
    expert_score: Decimal | None = None


@dataclass(frozen=True)
class ResultRow:
    complex_id: int
    category: str
    scheme_id: int
    score: Decimal
    rank: int
    grade: str
    breakdown: tuple[dict, ...]
    adjustment: Decimal
    data_score: Decimal | None = None
    expert_score: Decimal | None = None


def results_from_inputs(
    entries: Iterable[ScoredComplex], schemes: Mapping[int, EvaluationScheme]
) -> list[ResultRow]:
    """Score, rank and grade each category's complexes from their inputs alone: the same inputs
    give the same rows, ordered by complex, whatever their order and however often."""
    by_category: dict[str, list[ScoredComplex]] = defaultdict(list)
    for entry in entries:
        by_category[entry.category].append(entry)
    rows = []
    for category, members in by_category.items():
        (scheme_id,) = {entry.scheme_id for entry in members}  # one scheme per category
        results = scoring.score_category(
            _scheme_input(schemes[scheme_id]),
            [
                scoring.ComplexInput(
                    entry.complex_id, entry.values, entry.adjustment, entry.expert_score
                )
                for entry in members
            ],
        )
        rows += [
            ResultRow(
                complex_id=result.complex_id,
                category=category,
                scheme_id=scheme_id,
                score=result.score,
                rank=result.rank,
                grade=result.grade,
                breakdown=tuple(_line(line) for line in result.breakdown),
                adjustment=result.adjustment,
                data_score=result.data_score,
                expert_score=result.expert_score,
            )
            for result in results
        ]
    return sorted(rows, key=lambda row: row.complex_id)


def _inputs_from_records(*, year: int) -> tuple[list[ScoredComplex], list[EvaluationScheme]]:
    """The inputs of the year's results as the portal's records give them now: the provincial
    complexes operating or rectifying with an approved report, their approved values, derived
    values, applied bonus and penalty items and submitted expert reviews, and each category's
    scheme."""
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
    applied: dict[int, list[str]] = defaultdict(list)
    for complex_id, code in (
        Adjustment.objects.approved()
        .filter(year=year, complex_id__in=evaluated)
        .values_list("complex_id", "item_code")
    ):
        applied[complex_id].append(code)
    expert_scores = expert_scores_of(year=year, complex_ids=evaluated)
    entries, schemes = [], []
    for category in sorted(set(evaluated.values())):
        scheme = selectors.scheme_for(year=year, category=category)
        if scheme is None:
            continue
        schemes.append(scheme)
        item_points = {item.code: item.points for item in scheme.adjustment_items.all()}
        entries += [
            ScoredComplex(
                complex_id=complex_id,
                category=category,
                scheme_id=scheme.pk,
                values=values[complex_id],
                adjustment=sum(
                    (item_points.get(code, Decimal(0)) for code in applied[complex_id]),
                    Decimal(0),
                ),
                expert_score=expert_scores.get(complex_id),
            )
            for complex_id, complex_category in evaluated.items()
            if complex_category == category
        ]
    return entries, schemes


def expert_scores_of(*, year: int, complex_ids: Iterable[int]) -> dict[int, Decimal]:
    """Each complex's expert score for the year, from its submitted reviews' totals (a complex
    without one is left out)."""
    totals: dict[int, list[Decimal]] = defaultdict(list)
    for complex_id, total in (
        ExpertReview.objects.submitted()
        .filter(assignment__year=year, assignment__complex_id__in=list(complex_ids))
        .values_list("assignment__complex_id", "total")
    ):
        totals[complex_id].append(total)
    return {complex_id: scoring.expert_score(marks) for complex_id, marks in totals.items()}


@transaction.atomic
def evaluation_compute(*, year: int, job: Job | None = None) -> EvaluationRun:
    """Score, rank and grade the year's approved reports into the year's draft revision (made
    if the year has none), storing the inputs beside the results. A published revision is left
    as it is: recomputing a published year makes the draft the province compares with it."""
    run = run_draft_for_update(year=year)
    entries, schemes = _inputs_from_records(year=year)
    indicator_ids = dict(Indicator.objects.values_list("code", "pk"))
    _values_replace(
        RunInput,
        scope=("run_id", run.pk),
        values={
            (entry.complex_id, indicator_ids[code]): value
            for entry in entries
            for code, value in entry.values.items()
        },
    )
    _results_replace(
        run=run, rows=results_from_inputs(entries, {scheme.pk: scheme for scheme in schemes})
    )
    missing_reports_fail(run=run)
    run.computed_at, run.job = timezone.now(), job
    run.save(update_fields=["computed_at", "job"])
    run.schemes.set(schemes)
    publication, _created = Publication.objects.update_or_create(
        year=year, defaults={"computed_at": run.computed_at, "job": job}
    )
    publication.schemes.set(schemes)
    return run


def run_draft_for_update(*, year: int) -> EvaluationRun:
    """The year's draft revision, locked; a new one, numbered after the year's last, if there
    is none (the recomputation lock keeps two runs from making one each)."""
    draft = runs_select_for_update().filter(year=year, status=RevisionStatus.DRAFT).first()
    if draft is not None:
        return draft
    last = EvaluationRun.objects.filter(year=year).aggregate(last=Max("number"))["last"]
    return EvaluationRun.objects.create(
        year=year, number=(last or 0) + 1, computed_at=timezone.now()
    )


def _results_replace(*, run: EvaluationRun, rows: list[ResultRow]) -> None:
    """The draft revision's results become ``rows`` in one statement; a result that did not
    change is not written again."""
    columns = (
        [
            [row.complex_id for row in rows],
            [row.category for row in rows],
            [row.scheme_id for row in rows],
            [row.score for row in rows],
            [row.rank for row in rows],
            [row.grade for row in rows],
            [json.dumps(list(row.breakdown)) for row in rows],
            [row.adjustment for row in rows],
            [row.data_score for row in rows],
            [row.expert_score for row in rows],
        ]
        if rows
        else [[]] * 10
    )
    table = Evaluation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH fresh AS (
                SELECT * FROM unnest(
                    %s::bigint[], %s::text[], %s::bigint[], %s::numeric[], %s::integer[],
                    %s::text[], %s::jsonb[], %s::numeric[], %s::numeric[], %s::numeric[]
                ) AS fresh (
                    complex_id, category, scheme_id, score, rank, grade, breakdown, adjustment,
                    data_score, expert_score
                )
            ),
            vanished AS (
                DELETE FROM {table} AS result
                WHERE result.run_id = %s
                  AND NOT EXISTS (SELECT 1 FROM fresh WHERE fresh.complex_id = result.complex_id)
            )
            INSERT INTO {table} AS result
                (run_id, status, complex_id, year, category, scheme_id, score, rank, grade,
                 breakdown, adjustment, data_score, expert_score)
            SELECT %s, %s, complex_id, %s, category, scheme_id, score, rank, grade, breakdown,
                adjustment, data_score, expert_score
            FROM fresh
            ON CONFLICT (run_id, complex_id) DO UPDATE SET
                category = EXCLUDED.category, scheme_id = EXCLUDED.scheme_id,
                score = EXCLUDED.score, rank = EXCLUDED.rank, grade = EXCLUDED.grade,
                breakdown = EXCLUDED.breakdown, adjustment = EXCLUDED.adjustment,
                data_score = EXCLUDED.data_score, expert_score = EXCLUDED.expert_score
            WHERE (result.category, result.scheme_id, result.score, result.rank, result.grade,
                   result.breakdown, result.adjustment, result.data_score, result.expert_score)
                IS DISTINCT FROM (EXCLUDED.category, EXCLUDED.scheme_id, EXCLUDED.score,
                                  EXCLUDED.rank, EXCLUDED.grade, EXCLUDED.breakdown,
                                  EXCLUDED.adjustment, EXCLUDED.data_score,
                                  EXCLUDED.expert_score)
            """,
            [*columns, run.pk, run.pk, run.status, run.year],
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
    return Evaluation.objects.shown().order_by("-year").values_list("year", flat=True).first()


# The job records its steps by name; people read these. A plugged-in step gives its own as the
# function's ``step_label``.
STEP_LABELS = {
    "derived_values": gettext_lazy("Counting the derived values"),
    "scores": gettext_lazy("Scoring and ranking"),
    "dynamic_management": gettext_lazy("Applying the status rules"),
}
# The parameters a recomputation job records, as people read them.
PARAMETER_LABELS = {"year": gettext_lazy("Year")}


def step_label(name: str) -> str:
    """A recorded step's name as people read it (a step no longer known: its name)."""
    plugged_in = {
        path.rsplit(".", 1)[-1]: getattr(import_string(path), "step_label", None)
        for path in settings.EVALUATION_RECOMPUTE_STEPS
    }
    return str(STEP_LABELS.get(name) or plugged_in.get(name) or name)


def job_description(job: Job) -> dict:
    """What the job page shows of a job: its current step, the seconds each step took and its
    parameters, named in the reader's language."""
    return {
        "step": step_label(job.step) if job.step else "",
        "timings": [(step_label(step), seconds) for step, seconds in job.timings.items()],
        "parameters": [
            (PARAMETER_LABELS.get(key, key), value) for key, value in job.parameters.items()
        ],
    }


def evaluation_recompute(
    *,
    year: int,
    job: Job | None = None,
    report: Callable | None = None,
    plugged_in_steps: bool = True,
):
    """All the steps for one year, each in its own transaction so progress shows in between.
    Without ``plugged_in_steps``, the evaluation's own steps only: the demo runs the other
    apps' steps in their own demo steps, once their rules exist."""
    report = report or (lambda step, progress, seconds: None)
    steps: list[tuple[str, Callable]] = [
        ("derived_values", lambda: derived_values_refresh(year=year)),
        ("scores", lambda: evaluation_compute(year=year, job=job)),
        ("dynamic_management", lambda: _manage_if_latest(year)),
    ]
    if plugged_in_steps:
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
    return job_start_once(kind=kind, owner=actor, parameters=parameters)


def jobs_catch_up() -> list[Job]:
    """Run the jobs that could not be queued, here and one after the other (so they never
    refuse each other on the advisory lock)."""
    return [job_run(job_id=pk) for pk in jobs_not_queued(kind=JobKind.RECOMPUTE)]


def job_run(*, job_id: int, plugged_in_steps: bool = True) -> Job:
    """Run a recorded job, unless another delivery of it is running it: a redelivery (the broker
    hands a long task out again) leaves that job as it is, and one that already finished too.
    A job left running by a worker that died holds no lock any more, and is run again.
    ``plugged_in_steps``: see ``evaluation_recompute``."""
    job = Job.objects.get(pk=job_id, kind=JobKind.RECOMPUTE)
    if job.finished:
        return job
    try:
        with _advisory_lock(JOB_LOCK_CLASS, job.pk):
            job.refresh_from_db()  # the other delivery may have finished it in the meantime
            if not job.finished:
                _job_run_locked(job, plugged_in_steps=plugged_in_steps)
    except AlreadyRunning:
        logger.info("Job %s is being run by another delivery: left as it is", job.pk)
    return job


def _job_run_locked(job: Job, *, plugged_in_steps: bool) -> None:
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
                plugged_in_steps=plugged_in_steps,
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
        recompute_failed_tell(job=job, error=str(error))


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
