"""Revisions of a year's results (docs/EVALUATION.md, "Published means frozen").

A recomputation writes the year's draft revision (evaluation/recompute.py). The province
publishes it, which makes it the year's results and freezes it, or, when the year already has
a published revision, discards it. Officials compare a draft with the published revision
(which results moved and which inputs moved them), and ``verify_year`` scores a published
revision again from its stored inputs.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from complexes.models import Complex
from portal import policy
from portal.exceptions import InvalidTransition

from .lock_objects import runs_select_for_update
from .models import (
    Evaluation,
    EvaluationRun,
    EvaluationScheme,
    Indicator,
    RevisionStatus,
    RunInput,
    SchemeWeight,
)
from .recompute import ScoredComplex, results_from_inputs


def _locked_runs(year: int) -> dict[str, EvaluationRun]:
    """The year's draft and published revisions, locked, by status."""
    return {
        run.status: run
        for run in runs_select_for_update().filter(
            year=year, status__in=(RevisionStatus.DRAFT, RevisionStatus.PUBLISHED)
        )
    }


def _set_status(run: EvaluationRun, status: str, *, actor=None) -> None:
    run.status = status
    fields = ["status"]
    if actor is not None:
        run.decided_by, run.decided_at = actor, timezone.now()
        fields += ["decided_by", "decided_at"]
    run.save(update_fields=fields)
    run.results.update(status=status)


@transaction.atomic
def revision_publish(*, year: int, actor) -> EvaluationRun:
    """Make the year's draft revision its published results; a revision published before it
    is superseded (kept with its inputs, no longer shown). Refused when the draft no longer
    follows from its inputs (a scheme edited since it was computed): recompute it first."""
    policy.require(actor, "results.publish")
    runs = _locked_runs(year)
    draft = runs.get(RevisionStatus.DRAFT)
    if draft is None:
        raise InvalidTransition(_("The year has no draft results to publish."))
    if run_differences(draft):
        raise InvalidTransition(
            _("The draft no longer follows from its inputs (a scheme changed): recompute it.")
        )
    if previous := runs.get(RevisionStatus.PUBLISHED):
        _set_status(previous, RevisionStatus.SUPERSEDED)
    _set_status(draft, RevisionStatus.PUBLISHED, actor=actor)
    # A scheme is frozen once a published result uses it (edits then make a new version).
    EvaluationScheme.objects.filter(
        pk__in=draft.schemes.values("pk"), published_at__isnull=True
    ).update(published_at=draft.decided_at)
    return draft


@transaction.atomic
def revision_discard(*, year: int, actor) -> EvaluationRun:
    """Drop the draft computed beside the year's published revision, results and inputs; the
    revision is kept, marked discarded, to say who discarded it and when. A year with nothing
    published keeps its draft: it is the year's only results."""
    policy.require(actor, "results.publish")
    runs = _locked_runs(year)
    draft = runs.get(RevisionStatus.DRAFT)
    if draft is None or RevisionStatus.PUBLISHED not in runs:
        raise InvalidTransition(_("The year has no draft beside published results to discard."))
    draft.results.all().delete()
    draft.inputs.all().delete()
    _set_status(draft, RevisionStatus.DISCARDED, actor=actor)
    return draft


# Comparing the draft with the published revision -----------------------------------------


@dataclass
class ComparedResult:
    complex: Complex
    published: Evaluation | None
    draft: Evaluation | None
    # (indicator, published value, draft value) for each input the two revisions differ in.
    inputs: list[tuple[Indicator, Decimal | None, Decimal | None]] = field(default_factory=list)

    @property
    def moved(self) -> bool:
        """Whether the result shown would change: score, rank or grade, or in or out."""
        if self.published is None or self.draft is None:
            return True
        return _outcome(self.published) != _outcome(self.draft)


@dataclass
class Comparison:
    year: int
    published: EvaluationRun | None
    draft: EvaluationRun | None
    lines: list[ComparedResult]

    @property
    def moved(self) -> list[ComparedResult]:
        return [line for line in self.lines if line.moved]


def _outcome(result: Evaluation) -> tuple:
    return (result.score, result.rank, result.grade)


def revision_comparison(*, user, year: int) -> Comparison:
    """The year's draft beside its published revision: every complex whose result or inputs
    differ, results that moved first (the province's page; anyone else is refused)."""
    policy.page_requires(user, "results.publish")
    runs = {
        run.status: run
        for run in EvaluationRun.objects.filter(
            year=year, status__in=(RevisionStatus.DRAFT, RevisionStatus.PUBLISHED)
        )
    }
    published, draft = runs.get(RevisionStatus.PUBLISHED), runs.get(RevisionStatus.DRAFT)
    compared = [run for run in (published, draft) if run is not None]
    results: dict[int, dict[int, Evaluation]] = defaultdict(dict)
    # Each rank with its denominator ("30 / 33"), in its own revision.
    for result in (
        Evaluation.objects.filter(run__in=compared).select_related("complex").with_ranked_of()
    ):
        results[result.complex_id][result.run_id] = result
    values: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    for run_id, complex_id, indicator_id, value in RunInput.objects.filter(
        run__in=compared
    ).values_list("run_id", "complex_id", "indicator_id", "value"):
        values[(complex_id, indicator_id)][run_id] = value
    indicators = Indicator.objects.in_bulk()
    lines = {}
    for complex_id, by_run in results.items():
        before = by_run.get(published.pk) if published else None
        after = by_run.get(draft.pk) if draft else None
        lines[complex_id] = ComparedResult(
            complex=(before or after).complex, published=before, draft=after
        )
    if published is not None and draft is not None:
        for (complex_id, indicator_id), by_run in sorted(values.items()):
            before, after = by_run.get(published.pk), by_run.get(draft.pk)
            if before != after and complex_id in lines:
                lines[complex_id].inputs.append((indicators[indicator_id], before, after))
    differing = [
        line
        for line in lines.values()
        if draft is None or published is None or line.moved or line.inputs
    ]
    differing.sort(key=lambda line: (not line.moved, line.complex.code))
    return Comparison(year=year, published=published, draft=draft, lines=differing)


# Verifying a revision from its stored inputs ----------------------------------------------


def stored_inputs(
    run: EvaluationRun,
) -> tuple[list[ScoredComplex], dict[int, EvaluationScheme]]:
    """What the revision's results were computed from, as stored with them: the values, and
    the category, scheme, bonus and penalty points and expert score kept on each result (a fail
    for a missing report, evaluation/missing_reports.py, was computed from nothing)."""
    values: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for complex_id, code, value in run.inputs.values_list("complex_id", "indicator__code", "value"):
        values[complex_id][code] = value
    entries = [
        ScoredComplex(
            complex_id=complex_id,
            category=category,
            scheme_id=scheme_id,
            values=values[complex_id],
            adjustment=adjustment,
            expert_score=expert_score,
        )
        for complex_id, category, scheme_id, adjustment, expert_score in run.results.filter(
            missing_report_by__isnull=True
        ).values_list("complex_id", "category", "scheme_id", "adjustment", "expert_score")
    ]
    schemes = EvaluationScheme.objects.prefetch_related(
        Prefetch("weights", queryset=SchemeWeight.objects.select_related("indicator"))
    ).in_bulk({entry.scheme_id for entry in entries})
    return entries, schemes


def run_differences(run: EvaluationRun) -> list[str]:
    """Score the revision again from its stored inputs and name every result that comes out
    different, to the fen."""
    fresh = {row.complex_id: row for row in results_from_inputs(*stored_inputs(run))}
    differences = []
    scored = run.results.filter(missing_report_by__isnull=True)  # missing reports score nothing
    for result in scored.select_related("complex").order_by("complex_id"):
        row = fresh[result.complex_id]
        for name, kept, computed in (
            ("score", result.score, row.score),
            ("rank", result.rank, row.rank),
            ("grade", result.grade, row.grade),
            ("breakdown", result.breakdown, list(row.breakdown)),
        ):
            if kept != computed:
                differences.append(
                    f"{result.complex.code} {run.year} #{run.number}: {name} {kept} → {computed}"
                )
    return differences
