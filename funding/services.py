"""Funding rules that change data: rule-set versions, draft allocations, publishing, matching.

Every function is one transaction. Published allocations are frozen: only
``allocations_publish`` with a reason can replace them, by a new recorded decision.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.notifications import notify
from complexes.models import Complex, Status
from portal import policy
from portal.exceptions import DomainError, InvalidTransition
from portal.notifications import lazy_format

from . import inputs
from .allocation import Candidate, Outcome, Rules, ShareKind, allocate
from .compliance import matching
from .lock_objects import allocations_select_for_update, year_lock
from .models import (
    Allocation,
    AllocationDecision,
    AllocationKind,
    AllocationStatus,
    RuleSet,
)

# What a new rule-set version may set; everything else is bookkeeping.
RULE_FIELDS = (
    "pool",
    "eligible_levels",
    "eligible_statuses",
    "ex_ante_amount",
    "floor",
    "cap",
    "multiplier_excellent",
    "multiplier_good",
    "multiplier_pass",
    "multiplier_fail",
    "local_match_ratio",
    "host_investment_ratio",
)


def current_rule_set(*, year: int) -> RuleSet:
    rule_set = RuleSet.objects.for_year(year).first()
    if rule_set is None:
        raise DomainError(_("No funding rules are configured for %(year)s.") % {"year": year})
    return rule_set


def rules_for(rule_set: RuleSet, **overrides) -> Rules:
    """The engine's parameters from a rule set, with any what-if values put in their place."""
    multipliers = {**rule_set.multipliers, **(overrides.pop("multipliers", None) or {})}
    values = {
        "pool": rule_set.pool,
        "floor": rule_set.floor,
        "cap": rule_set.cap,
        "ex_ante_amount": rule_set.ex_ante_amount,
    }
    values.update({name: value for name, value in overrides.items() if value is not None})
    return Rules(multipliers=multipliers, **values)


def eligible_complexes(rule_set: RuleSet):
    """Complexes the rule set funds: its levels and statuses, and never a removed one."""
    return (
        Complex.objects.filter(
            level__in=rule_set.eligible_levels, status__in=rule_set.eligible_statuses
        )
        .exclude(status=Status.REMOVED)
        .order_by("pk")
    )


def candidates_for(*, rule_set: RuleSet, run: inputs.EvaluationRun) -> list[Candidate]:
    candidates = []
    for complex_id, status in eligible_complexes(rule_set).values_list("pk", "status"):
        result = run.results.get(complex_id)
        candidates.append(
            Candidate(
                key=complex_id,
                score=result.score if result else None,
                grade=result.grade if result else None,
                constructing=status == Status.CONSTRUCTING,
            )
        )
    return candidates


@transaction.atomic
def rule_set_create(*, year: int | None, actor: User, note: str = "", **fields) -> RuleSet:
    """A new version of the year's rules, starting from the current ones (or the defaults)."""
    policy.require(actor, "funding.decide")
    unknown = sorted(set(fields) - set(RULE_FIELDS))
    if unknown:
        raise DomainError(_("Unknown rule: %(names)s.") % {"names": ", ".join(unknown)})
    year_lock("rules", year)
    base = RuleSet.objects.for_year(year).first() if year is not None else None
    base = base or RuleSet.objects.defaults().first()
    values = {name: getattr(base, name) for name in RULE_FIELDS} if base else {}
    values.update(fields)
    latest = RuleSet.objects.filter(year=year).aggregate(latest=Max("version"))["latest"]
    rule_set = RuleSet(year=year, version=(latest or 0) + 1, note=note, created_by=actor, **values)
    rule_set.full_clean(validate_constraints=True)
    rule_set.save()
    return rule_set


def allocations_recompute(*, year: int, actor: User) -> Outcome:
    """An official's recomputation of the year's draft allocations (``_drafts_recompute``)."""
    policy.require(actor, "funding.decide")
    return _drafts_recompute(year=year)


# What a draft decides: rows that agree on all of these with the published ones are the
# published allocation again, not a revision (the run, the timings and the reported matching
# follow the data and say nothing new about the money).
DECIDED_FIELDS = (
    "kind",
    "score",
    "grade",
    "capped",
    "provincial_amount",
    "required_local_match",
    "required_host_investment",
)


def _decided(row: Allocation) -> tuple:
    return tuple(getattr(row, name) for name in DECIDED_FIELDS)


@transaction.atomic
def _drafts_recompute(*, year: int) -> Outcome:
    """Replace the year's draft allocations from the current rules and evaluation results.

    Published rows are never touched. A year holds at most one set of drafts: the first
    computation, or, once published, one draft revision that replaces the previous one; a
    recomputation that decides exactly what is published keeps no drafts at all, so nothing
    beside the published rows looks like a second allocation. Running it twice on the same
    data gives the same rows.
    """
    year_lock("allocations", year)
    outcome, rows = _draft_rows(year=year)
    if _same_as_published(year=year, rows=rows):
        Allocation.objects.filter(year=year, status=AllocationStatus.DRAFT).delete()
    else:
        _drafts_replace(year=year, rows=rows)
    return outcome


def _draft_rows(*, year: int) -> tuple[Outcome, list[Allocation]]:
    """The allocation of the year's pool by the current rules and results, and its rows as
    drafts (not saved)."""
    rule_set = current_rule_set(year=year)
    run = inputs.evaluation_results(year=year)
    outcome = allocate(candidates_for(rule_set=rule_set, run=run), rules_for(rule_set))
    reported = inputs.reported_matching(year=year)
    now = timezone.now()
    rows = []
    for share in outcome.shares:
        result = run.results.get(share.key)
        rows.append(
            Allocation(
                complex_id=share.key,
                year=year,
                status=AllocationStatus.DRAFT,
                rule_set=rule_set,
                evaluation_run_id=run.job_id,
                evaluated_at=run.computed_at,
                kind=AllocationKind(share.kind.value),
                score=result.score if result and share.kind != ShareKind.EX_ANTE else None,
                grade=result.grade if result and share.kind != ShareKind.EX_ANTE else "",
                capped=share.capped and share.kind == ShareKind.EX_POST,
                provincial_amount=share.amount,
                computed_at=now,
                **_matching_fields(share.amount, rule_set, reported.get(share.key)),
            )
        )
    return outcome, rows


# The columns a draft's row is written with by ``_drafts_replace``, with their SQL types; the
# rest (status, decision) are those of every draft.
DRAFT_COLUMNS = (
    ("complex_id", "bigint"),
    ("rule_set_id", "bigint"),
    ("evaluation_run_id", "bigint"),
    ("evaluated_at", "timestamptz"),
    ("kind", "text"),
    ("score", "numeric"),
    ("grade", "text"),
    ("capped", "boolean"),
    ("provincial_amount", "numeric"),
    ("required_local_match", "numeric"),
    ("required_host_investment", "numeric"),
    ("reported_local_match", "numeric"),
    ("reported_host_investment", "numeric"),
    ("compliant", "boolean"),
    ("computed_at", "timestamptz"),
)


def _drafts_replace(*, year: int, rows: list[Allocation]) -> None:
    """The year's drafts become ``rows`` in one statement (the columns travel as arrays):
    drafts of complexes no longer among them go, the others are updated in place by the
    one-draft-per-complex-and-year constraint, new ones are inserted. Deleting every draft and
    inserting them again through the ORM cost twice the audit events and ``bulk_create``'s
    preparation of each row every night; the rows written are the same (pinned in
    tests/funding/test_services.py)."""
    # The values as they are: psycopg2 adapts them, and the casts of the arrays and the
    # columns' types do what the fields' get_db_prep_save would (0.18 s for 631 rows).
    columns = [[getattr(row, name) for row in rows] for name, _type in DRAFT_COLUMNS]
    names = ", ".join(name for name, _type in DRAFT_COLUMNS)
    types = ", ".join(f"%s::{sql_type}[]" for _name, sql_type in DRAFT_COLUMNS)
    updates = ", ".join(
        f"{name} = EXCLUDED.{name}" for name, _type in DRAFT_COLUMNS if name != "complex_id"
    )
    table = Allocation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH fresh AS (SELECT * FROM unnest({types}) AS fresh ({names})),
            vanished AS (
                DELETE FROM {table} AS draft
                WHERE draft.year = %s AND draft.status = %s
                  AND NOT EXISTS (SELECT 1 FROM fresh WHERE fresh.complex_id = draft.complex_id)
            )
            INSERT INTO {table} AS draft (year, status, {names})
            SELECT %s, %s, {names} FROM fresh
            ON CONFLICT (complex_id, year) WHERE status = %s DO UPDATE SET {updates}
            """,
            [
                *columns,
                year,
                AllocationStatus.DRAFT,
                year,
                AllocationStatus.DRAFT,
                AllocationStatus.DRAFT,
            ],
        )


def _same_as_published(*, year: int, rows: list[Allocation]) -> bool:
    published = {
        complex_id: tuple(decided)
        for complex_id, *decided in Allocation.objects.filter(
            year=year, status=AllocationStatus.PUBLISHED
        ).values_list("complex_id", *DECIDED_FIELDS)
    }
    return bool(published) and published == {row.complex_id: _decided(row) for row in rows}


def allocations_after_evaluation(*, year: int, job=None) -> Outcome | None:
    """The nightly recomputation's funding step (EVALUATION_RECOMPUTE_STEPS): fresh drafts
    from the new results, and the matching of published rows brought up to date.

    When the year's rules refuse the new results (a pool short of the floors), the evaluation
    still stands: the drafts, now out of date, are withdrawn and the province is told why.
    """
    try:
        outcome = _drafts_recompute(year=year)
    except DomainError as refusal:
        _drafts_withdraw(year=year, refusal=refusal)
        outcome = None
    # The drafts are fresh (or withdrawn): only the published rows can lag behind the reports.
    allocations_refresh_matching(year=year, statuses=[AllocationStatus.PUBLISHED])
    return outcome


allocations_after_evaluation.step_label = gettext_lazy("Drafting the funding allocations")


@transaction.atomic
def _drafts_withdraw(*, year: int, refusal: DomainError) -> None:
    year_lock("allocations", year)
    Allocation.objects.filter(year=year, status=AllocationStatus.DRAFT).delete()
    notify(
        recipients=User.objects.provincial_officials(),
        subject=lazy_format(
            gettext_lazy("Funding drafts for %(year)s could not be computed"), year=year
        ),
        body=refusal.message,
        url=reverse("funding:rules") + f"?year={year}",
    )


def _matching_fields(amount: Decimal, rule_set: RuleSet, reported) -> dict:
    match = matching(
        amount,
        local_match_ratio=rule_set.local_match_ratio,
        host_investment_ratio=rule_set.host_investment_ratio,
        reported_local_match=reported.local_match if reported else None,
        reported_host_investment=reported.host_investment if reported else None,
    )
    return {
        "required_local_match": match.required_local_match,
        "required_host_investment": match.required_host_investment,
        "reported_local_match": match.reported_local_match,
        "reported_host_investment": match.reported_host_investment,
        "compliant": match.compliant,
    }


@transaction.atomic
def allocations_refresh_matching(
    *, year: int, statuses: Iterable[str] = (AllocationStatus.DRAFT, AllocationStatus.PUBLISHED)
) -> int:
    """Bring the reported matching and the compliance flag of the year's rows (drafts and
    published alike, unless ``statuses`` says otherwise) up to date with the approved reports.
    Amounts are not touched. A step of the nightly job and of the seed, which no user calls."""
    rows = list(
        allocations_select_for_update()
        .filter(year=year, status__in=list(statuses))
        .select_related("rule_set")
    )
    if not rows:
        return 0
    reported = inputs.reported_matching(year=year)
    changed = []
    for row in rows:
        fields = _matching_fields(row.provincial_amount, row.rule_set, reported.get(row.complex_id))
        if any(getattr(row, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(row, name, value)
            changed.append(row)
    Allocation.objects.bulk_update(
        changed, ["reported_local_match", "reported_host_investment", "compliant"], batch_size=500
    )
    return len(changed)


@transaction.atomic
def allocations_publish(
    *, year: int, actor: User, reason: str = "", tell_operators: bool = True
) -> AllocationDecision:
    """Publish the year's drafts as a recorded decision; they are frozen from then on.

    When the year already has a published decision, the drafts replace it only with a reason;
    the replaced rows are kept as superseded.
    """
    policy.require(actor, "funding.decide")
    year_lock("allocations", year)
    reason = (reason or "").strip()
    drafts = list(allocations_select_for_update().filter(year=year, status=AllocationStatus.DRAFT))
    if not drafts:
        raise InvalidTransition(
            _("There are no draft allocations for %(year)s to publish.") % {"year": year}
        )
    rule_set = current_rule_set(year=year)
    if any(row.rule_set_id != rule_set.pk for row in drafts):
        raise InvalidTransition(
            _("The rules changed after the drafts were computed: recompute them first.")
        )
    in_force = AllocationDecision.objects.in_force().filter(year=year).first()
    if in_force is not None and not reason:
        raise DomainError(
            _("The allocations of %(year)s are published: replacing them needs a reason.")
            % {"year": year},
            field="reason",
        )
    total = sum((row.provincial_amount for row in drafts), Decimal("0.00"))
    decided_at = timezone.now()
    issued_in = timezone.localdate(decided_at).year
    sequence = _next_decision_sequence(issued_in=issued_in)
    decision = AllocationDecision.objects.create(
        year=year,
        rule_set=rule_set,
        evaluation_run_id=drafts[0].evaluation_run_id,
        evaluated_at=drafts[0].evaluated_at,
        pool=rule_set.pool,
        total=total,
        unallocated=max(rule_set.pool - total, Decimal("0.00")),
        reason=reason,
        replaces=in_force,
        decided_by=actor,
        decided_at=decided_at,
        sequence=sequence,
        number=decision_number(issued_in=issued_in, sequence=sequence, year=year),
        approver_name=actor.get_full_name() or actor.get_username(),
    )
    if in_force is not None:
        Allocation.objects.filter(decision=in_force, status=AllocationStatus.PUBLISHED).update(
            status=AllocationStatus.SUPERSEDED
        )
    Allocation.objects.filter(pk__in=[row.pk for row in drafts]).update(
        status=AllocationStatus.PUBLISHED, decision=decision
    )
    if tell_operators:
        _tell_operators(year=year, drafts=drafts)
    return decision


def decision_number(*, issued_in: int, sequence: int, year: int) -> str:
    """The decision's number (文号) from ``FUNDING_DECISION_NUMBER_PATTERN``."""
    return settings.FUNDING_DECISION_NUMBER_PATTERN.format(
        year=issued_in, seq=sequence, allocation_year=year
    )


def _next_decision_sequence(*, issued_in: int) -> int:
    """The next decision's sequence in its year of issue, under that year's numbering lock."""
    year_lock("decision_numbers", issued_in)
    latest = AllocationDecision.objects.filter(decided_at__year=issued_in).aggregate(
        latest=Max("sequence")
    )["latest"]
    return (latest or 0) + 1


def _tell_operators(*, year: int, drafts: list[Allocation]) -> None:
    by_complex = {row.complex_id: row for row in drafts if row.provincial_amount > 0}
    operators: dict[int, list[User]] = {}
    for user in User.objects.filter(complex_id__in=by_complex, is_active=True).order_by("pk"):
        operators.setdefault(user.complex_id, []).append(user)
    for complex_id, users in operators.items():
        row = by_complex[complex_id]
        body = lazy_format(
            gettext_lazy(
                "Provincial funding: %(amount)s CNY. Required city/county match: %(local)s CNY; "
                "required host-unit investment: %(host)s CNY."
            ),
            amount=f"{row.provincial_amount:,.2f}",
            local=f"{row.required_local_match:,.2f}",
            host=f"{row.required_host_investment:,.2f}",
        )
        if not row.compliant:
            shortfall = lazy_format(
                gettext_lazy(
                    "Shortfall so far: city/county %(local)s CNY, host unit %(host)s CNY."
                ),
                local=f"{row.local_shortfall:,.2f}",
                host=f"{row.host_shortfall:,.2f}",
            )
            body = format_lazy("{} {}", body, shortfall)
        notify(
            recipients=users,
            subject=lazy_format(
                gettext_lazy("Funding allocation for %(year)s published"), year=year
            ),
            body=body,
            url=reverse("funding:table") + f"?year={year}",
        )
