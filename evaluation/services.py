"""State-changing rules of annual reports, schemes and dynamic management. One transaction each."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from complexes.models import Complex, Status
from complexes.services import complex_change_status
from portal import policy
from portal.exceptions import DomainError, InvalidTransition, StaleVersion
from portal.inputs import bounded_decimal
from portal.uploads import uploaded_name, validate_attachment

from . import adjustment_workflow, selectors
from .lock_objects import (
    adjustments_select_for_update,
    management_decisions_select_for_update,
    reports_select_for_update,
)
from .models import (
    VALUE_DIGITS,
    Adjustment,
    AdjustmentItem,
    AnnualReport,
    EvaluationScheme,
    Grade,
    Indicator,
    ManagementDecision,
    ManagementKind,
    Normalization,
    ProposalStatus,
    RecheckOutcome,
    Recommendation,
    ReportAction,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
    ReportValue,
    ReportVersion,
    ReviewScore,
    RubricItem,
    SchemeWeight,
)
from .report_notices import report_moved_tell
from .report_workflow import EDIT, check_actor, check_move

# Reporting periods ---------------------------------------------------------------------------


@transaction.atomic
def reporting_period_open(
    *, year: int, deadline: date, actor, grace_days: int | None = None
) -> ReportingPeriod:
    """Open (or move the deadline or grace period of) a year; every complex that is not
    removed gets a draft. Without ``grace_days``, the portal's default (a new year) or the
    year's own (an open one)."""
    policy.require(actor, "period.open")
    defaults = {"deadline": deadline, "opened_by": actor}
    if grace_days is not None:
        defaults["grace_days"] = grace_days
    period, _created = ReportingPeriod.objects.update_or_create(year=year, defaults=defaults)
    complex_ids = Complex.objects.exclude(status=Status.REMOVED).values_list("pk", flat=True)
    AnnualReport.objects.bulk_create(
        [AnnualReport(complex_id=pk, year=year) for pk in complex_ids], ignore_conflicts=True
    )
    return period


# Annual reports ------------------------------------------------------------------------------


@transaction.atomic
def report_create(*, complex_: Complex, year: int, actor) -> AnnualReport:
    policy.require(actor, "report.fill", complex_)
    if not ReportingPeriod.objects.filter(year=year).exists():
        raise DomainError(
            _("Reporting for %(year)s has not been opened.") % {"year": year}, field="year"
        )
    if AnnualReport.objects.filter(complex=complex_, year=year).exists():
        raise DomainError(_("This complex already has a report for this year."), field="year")
    return AnnualReport.objects.create(complex=complex_, year=year)


def _locked_for(action: str, *, report: AnnualReport, actor, version: int | None) -> AnnualReport:
    """The report locked for ``action`` (already in the status it leads to), once the workflow
    table lets ``actor`` take it from the report's current status."""
    transition = check_actor(report=report, action=action, user=actor)
    locked = _locked(report, version)
    check_move(report=locked, transition=transition)
    if transition.target is not None:
        locked.status = transition.target
    return locked


def _locked(report: AnnualReport, version: int | None) -> AnnualReport:
    locked = reports_select_for_update().get(pk=report.pk)
    if version is not None and version != locked.version:
        raise StaleVersion(
            _(
                "The report was changed by someone else (version %(current)s); reload it and apply your edit again."
            )
            % {"current": locked.version}
        )
    return locked


def _bump(report: AnnualReport, fields: list[str]) -> None:
    report.version += 1
    report.save(update_fields=[*fields, "version", "updated_at"])


def parse_values(raw: dict) -> dict[str, Decimal | None]:
    """Check submitted reported values: known reported codes, numbers, ranges. ``None`` clears
    a value. Raises a ValidationError keyed by indicator code listing every problem."""
    indicators = selectors.indicators_by_code()
    errors: dict[str, list[str]] = {}
    parsed: dict[str, Decimal | None] = {}
    for code, value in raw.items():
        indicator = indicators.get(code)
        if indicator is None:
            errors[code] = [_("Unknown indicator.")]
            continue
        if not indicator.is_reported:
            errors[code] = [_("This value is computed by the portal and cannot be reported.")]
            continue
        if value is None or value == "":
            parsed[code] = None
            continue
        problem, number = _check_value(indicator, value)
        if problem:
            errors[code] = [problem]
        else:
            parsed[code] = number
    if errors:
        raise ValidationError(errors)
    return parsed


def _check_value(indicator: Indicator, value) -> tuple[str, Decimal | None]:
    try:
        number = bounded_decimal(value, **VALUE_DIGITS)
    except ValidationError as error:
        return error.messages[0], None
    if number < 0:
        return _("The value cannot be negative."), None
    if indicator.whole_number and number != number.to_integral_value():
        return _("Enter a whole number."), None
    if indicator.maximum is not None and number > indicator.maximum:
        return (
            _("The value is implausibly large (at most %(maximum)s).")
            % {"maximum": f"{indicator.maximum:,.0f}"},
            None,
        )
    return "", number


@transaction.atomic
def report_update(
    *, report: AnnualReport, version: int, actor, values: dict, comments: dict | None = None
) -> AnnualReport:
    """Save reported values (and warning comments) on a draft or returned report."""
    locked = _locked_for(EDIT, report=report, actor=actor, version=version)
    parsed = parse_values(values)
    comments = comments or {}
    unknown = set(comments) - set(selectors.indicators_by_code())
    if unknown:
        raise ValidationError({code: [_("Unknown indicator.")] for code in sorted(unknown)})
    indicators = selectors.indicators_by_code()
    current = {row.indicator.code: row for row in locked.values.select_related("indicator")}
    cleared = [code for code, value in parsed.items() if value is None and code in current]
    ReportValue.objects.filter(report=locked, indicator__code__in=cleared).delete()
    upserts = []
    for code in sorted(set(parsed) | set(comments)):
        value = parsed[code] if code in parsed else getattr(current.get(code), "value", None)
        if value is None:
            continue
        comment = comments.get(code, getattr(current.get(code), "comment", ""))
        upserts.append(
            ReportValue(
                report=locked, indicator=indicators[code], value=value, comment=comment.strip()
            )
        )
    ReportValue.objects.bulk_create(
        upserts,
        update_conflicts=True,
        unique_fields=["report", "indicator"],
        update_fields=["value", "comment"],
    )
    _bump(locked, [])
    return locked


@transaction.atomic
def report_submit(*, report: AnnualReport, actor, version: int | None = None) -> AnnualReport:
    """Draft or returned → submitted: every reported value filled and every warning explained."""
    locked = _locked_for(ReportAction.SUBMIT, report=report, actor=actor, version=version)
    values = selectors.report_values(report=locked)
    errors = {
        indicator.code: [_("Fill in this value before submitting.")]
        for indicator in selectors.indicators_by_code().values()
        if indicator.is_reported and indicator.code not in values
    }
    for code, warning in selectors.report_warnings(report=locked).items():
        if not values[code].comment:
            errors[code] = [
                warning + " " + _("Explain it in the Explanation column before submitting.")
            ]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    ReportVersion.objects.create(
        report=locked,
        number=locked.versions.count() + 1,
        values={code: str(row.value) for code, row in sorted(values.items())},
        comments={code: row.comment for code, row in sorted(values.items()) if row.comment},
        submitted_by=actor,
        submitted_at=now,
    )
    locked.submitted_at = now
    locked.return_reason = ""
    locked.recommendation = ""
    locked.review_comment = ""
    _bump(locked, ["status", "submitted_at", "return_reason", "recommendation", "review_comment"])
    ReportEvent.objects.create(report=locked, action=ReportAction.SUBMIT, actor=actor)
    report_moved_tell(report=locked, action=ReportAction.SUBMIT)
    return locked


@transaction.atomic
def report_pre_review(
    *, report: AnnualReport, actor, recommendation: str, comment: str, version: int | None = None
) -> AnnualReport:
    """A city or county official's comment and recommendation before the province decides."""
    check_actor(report=report, action=ReportAction.PRE_REVIEW, user=actor)
    if recommendation not in Recommendation.values or recommendation == Recommendation.NONE:
        raise DomainError(_("Choose a recommendation."), field="recommendation")
    locked = _locked_for(ReportAction.PRE_REVIEW, report=report, actor=actor, version=version)
    locked.recommendation = recommendation
    locked.review_comment = comment.strip()
    locked.reviewed_by = actor
    _bump(locked, ["recommendation", "review_comment", "reviewed_by"])
    ReportEvent.objects.create(
        report=locked, action=ReportAction.PRE_REVIEW, actor=actor, comment=comment.strip()
    )
    report_moved_tell(report=locked, action=ReportAction.PRE_REVIEW, comment=comment.strip())
    return locked


@transaction.atomic
def report_return(
    *, report: AnnualReport, actor, reason: str, version: int | None = None
) -> AnnualReport:
    """Submitted → returned to the operator, with the reason to fix."""
    check_actor(report=report, action=ReportAction.RETURN, user=actor)
    if not (reason or "").strip():
        raise DomainError(_("Give the reason for returning the report."), field="reason")
    locked = _locked_for(ReportAction.RETURN, report=report, actor=actor, version=version)
    locked.return_reason = reason.strip()
    _bump(locked, ["status", "return_reason"])
    ReportEvent.objects.create(
        report=locked, action=ReportAction.RETURN, actor=actor, comment=reason.strip()
    )
    report_moved_tell(report=locked, action=ReportAction.RETURN, comment=reason.strip())
    return locked


@transaction.atomic
def report_approve(*, report: AnnualReport, actor, version: int | None = None) -> AnnualReport:
    """Submitted → approved by the province; the report is read-only from then on."""
    locked = _locked_for(ReportAction.APPROVE, report=report, actor=actor, version=version)
    locked.approved_at = timezone.now()
    locked.approved_by = actor
    _bump(locked, ["status", "approved_at", "approved_by"])
    ReportEvent.objects.create(report=locked, action=ReportAction.APPROVE, actor=actor)
    report_moved_tell(report=locked, action=ReportAction.APPROVE)
    return locked


@transaction.atomic
def report_reopen(*, report: AnnualReport, actor, reason: str, until: date) -> AnnualReport:
    """Reopen a locked draft or returned report until ``until`` (the province, with the reason,
    recorded in the report's trail); its operators may edit and submit it until then."""
    check_actor(report=report, action=ReportAction.REOPEN, user=actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for reopening the report."), field="reason")
    if until <= timezone.localdate():
        raise DomainError(_("The new date must be later than today."), field="until")
    locked = _locked_for(ReportAction.REOPEN, report=report, actor=actor, version=None)
    locked.reopened_until = until
    _bump(locked, ["reopened_until"])
    comment = _("Open until %(date)s. %(reason)s") % {"date": until.isoformat(), "reason": reason}
    ReportEvent.objects.create(
        report=locked, action=ReportAction.REOPEN, actor=actor, comment=comment
    )
    report_moved_tell(report=locked, action=ReportAction.REOPEN, comment=reason)
    return locked


@transaction.atomic
def reports_approve_many(*, report_ids: list[int], actor) -> list[AnnualReport]:
    """Approve several pre-reviewed reports at once (the province, from the completeness
    board): each through ``report_approve``, all or none. Any report that is not submitted and
    pre-reviewed refuses the whole batch, naming it."""
    policy.require(actor, "report.approve")
    reports = list(reports_select_for_update().filter(pk__in=report_ids).select_related("complex"))
    if not reports or len(reports) != len(set(report_ids)):
        raise DomainError(_("Choose the reports to approve."), field="reports")
    not_ready = [report for report in reports if not report_is_pre_reviewed(report)]
    if not_ready:
        raise InvalidTransition(
            _("Only pre-reviewed reports can be approved together; not: %(complexes)s.")
            % {"complexes": ", ".join(report.complex.name for report in not_ready)}
        )
    return [report_approve(report=report, actor=actor) for report in reports]


def report_is_pre_reviewed(report: AnnualReport) -> bool:
    """Submitted and recommended or not by the city or county: it waits for the province."""
    return report.status == ReportStatus.SUBMITTED and bool(report.recommendation)


# Evaluation schemes --------------------------------------------------------------------------


# A grading rule scheme_save is not given: the scheme in force keeps its value (a first scheme
# takes the model's default).
KEEP = object()
GRADING_RULES = (
    "excellent_from",
    "good_from",
    "pass_from",
    "excellent_quota_percent",
    "rectification_days",
)


@transaction.atomic
def scheme_save(
    *,
    year: int,
    category: str,
    actor,
    weights: dict[str, Decimal],
    normalization: str = Normalization.RATIO_TO_BEST,
    floor: Decimal = Decimal("0.5"),
    excellent_from=KEEP,
    good_from=KEEP,
    pass_from=KEEP,
    excellent_quota_percent=KEEP,
    rectification_days=KEEP,
    items: list[dict] | None = None,
    notes: str = "",
    data_weight: Decimal = Decimal("0.4"),
    experts_per_complex: int = 3,
    rubric: list[tuple[str, Decimal]] | None = None,
) -> EvaluationScheme:
    """Configure the scheme of a category from ``year`` on. A scheme of that year nobody has
    published yet is changed in place; otherwise a new version supersedes the one in force,
    which stays as it was. Grading rules not given stay as the scheme in force has them.
    ``rubric``: the expert rubric's items (name, maximum points), in order, whose maxima sum to
    100 (None keeps the rubric in force)."""
    policy.require(actor, "scheme.change")
    indicators = selectors.indicators_by_code()
    errors: dict[str, list[str]] = {}
    weights = {code: Decimal(weight) for code, weight in weights.items() if Decimal(weight) != 0}
    for code, weight in weights.items():
        if code not in indicators:
            errors[code] = [_("Unknown indicator.")]
        elif weight < 0:
            errors[code] = [_("A weight cannot be negative.")]
    if sum(weights.values(), Decimal(0)) != 100:
        errors["weights"] = [
            _("The weights must sum to 100 (now %(total)s).")
            % {"total": sum(weights.values(), Decimal(0))}
        ]
    current = selectors.scheme_for(year=year, category=category)
    given = {
        "excellent_from": excellent_from,
        "good_from": good_from,
        "pass_from": pass_from,
        "excellent_quota_percent": excellent_quota_percent,
        "rectification_days": rectification_days,
    }
    rules = {
        name: getattr(current, name)
        if current is not None
        else EvaluationScheme._meta.get_field(name).get_default()
        for name in GRADING_RULES
    }
    rules.update({name: value for name, value in given.items() if value is not KEEP})
    if not 0 <= rules["pass_from"] <= rules["good_from"] <= rules["excellent_from"] <= 100:
        errors["pass_from"] = [_("The grade thresholds must rise from pass to excellent.")]
    if rubric is not None and sum((maximum for _name, maximum in rubric), Decimal(0)) != 100:
        errors["rubric"] = [
            _("The maximum points of the rubric's items must sum to 100 (now %(total)s).")
            % {"total": sum((maximum for _name, maximum in rubric), Decimal(0))}
        ]
    if errors:
        raise ValidationError(errors)
    if current is not None and current.year == year and not current.is_frozen:
        scheme = current
    else:
        latest = EvaluationScheme.objects.filter(year=year, category=category).aggregate(
            Max("version")
        )["version__max"]
        scheme = EvaluationScheme(
            year=year, category=category, version=(latest or 0) + 1, created_by=actor
        )
        if items is None and current is not None:
            items = [
                {
                    "code": item.code,
                    "name_zh_hans": item.name_zh_hans,
                    "name_en": item.name_en,
                    "points": item.points,
                }
                for item in current.adjustment_items.all()
            ]
        if rubric is None and current is not None:
            rubric = [(item.name, item.maximum) for item in current.rubric_items.all()]
    scheme.normalization = normalization
    scheme.floor = floor
    for name, value in rules.items():
        setattr(scheme, name, value)
    scheme.notes = notes
    scheme.data_weight, scheme.experts_per_complex = data_weight, experts_per_complex
    scheme.full_clean()
    scheme.save()
    scheme.weights.all().delete()
    SchemeWeight.objects.bulk_create(
        SchemeWeight(scheme=scheme, indicator=indicators[code], weight=weight)
        for code, weight in weights.items()
    )
    if rubric is not None:
        _rubric_replace(scheme, rubric)
    if items is not None:
        scheme.adjustment_items.all().delete()
        AdjustmentItem.objects.bulk_create(
            AdjustmentItem(
                scheme=scheme,
                code=item["code"],
                name=item["name_zh_hans"],
                name_zh_hans=item["name_zh_hans"],
                name_en=item.get("name_en") or item["name_zh_hans"],
                points=Decimal(item["points"]),
            )
            for item in items
        )
    return scheme


def _rubric_replace(scheme: EvaluationScheme, rubric: list[tuple[str, Decimal]]) -> None:
    """The scheme's rubric becomes ``rubric``, keeping the items (and the points experts gave
    them) whose name stays."""
    kept = {item.name: item for item in scheme.rubric_items.all()}
    removed = scheme.rubric_items.exclude(name__in=[name for name, _maximum in rubric])
    if ReviewScore.objects.filter(item__in=removed).exists():
        raise ValidationError(
            {"rubric": [_("Experts have scored an item you removed: keep it or save a new year.")]}
        )
    removed.delete()
    for position, (name, maximum) in enumerate(rubric, 1):
        item = kept.get(name) or RubricItem(scheme=scheme, name=name)
        item.maximum, item.position = maximum, position
        item.save()


@transaction.atomic
def grading_rules_save(*, year: int, category: str, actor, **rules) -> EvaluationScheme:
    """Change the grading rules (``GRADING_RULES``) of a category's scheme from ``year`` on,
    its weights, normalisation and items kept; versioned as ``scheme_save`` versions."""
    policy.require(actor, "scheme.change")
    current = selectors.scheme_for(year=year, category=category)
    if current is None:
        raise DomainError(_("Configure the scheme's weights first."))
    unknown = set(rules) - set(GRADING_RULES)
    if unknown:
        raise ValueError(f"Not grading rules: {sorted(unknown)}")
    return scheme_save(
        year=year,
        category=category,
        actor=actor,
        weights={weight.indicator.code: weight.weight for weight in current.weights.all()},
        normalization=current.normalization,
        floor=current.floor,
        notes=current.notes,
        **rules,
    )


@transaction.atomic
def adjustment_propose(
    *, complex_: Complex, year: int, item_code: str, reason: str, actor, evidence=None
) -> Adjustment:
    """A city or county official proposes a bonus or penalty item of the year's scheme for a
    complex, with a reason and, optionally, an evidence file; the province decides."""
    policy.require(actor, "adjustment.propose", complex_)
    scheme = selectors.scheme_for(year=year, category=complex_.category)
    if scheme is None or not any(item.code == item_code for item in scheme.adjustment_items.all()):
        raise DomainError(
            _("The year's scheme has no such bonus or penalty item."), field="item_code"
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason."), field="reason")
    adjustment = Adjustment(
        complex=complex_, year=year, item_code=item_code, reason=reason, proposed_by=actor
    )
    if evidence:
        try:
            validate_attachment(evidence)
        except ValidationError as error:
            raise DomainError(error.messages[0], field="evidence") from error
        adjustment.evidence_name = uploaded_name(evidence)
        adjustment.evidence = evidence
    try:
        adjustment.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        # The one constraint across fields: the item is already open for the complex's year.
        raise DomainError(
            messages[0], field="item_code" if field == NON_FIELD_ERRORS else field
        ) from error
    adjustment.save()
    return adjustment


@transaction.atomic
def adjustment_decide(
    *, adjustment: Adjustment, approve: bool, actor, note: str = ""
) -> Adjustment:
    """The province approves a proposed item (it counts from the next recomputation on) or
    rejects it, with a note."""
    locked = adjustments_select_for_update().select_related("complex").get(pk=adjustment.pk)
    transition = adjustment_workflow.check(
        adjustment=locked,
        action=adjustment_workflow.APPROVE if approve else adjustment_workflow.REJECT,
        user=actor,
    )
    locked.status = transition.target
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = (note or "").strip()
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return locked


@transaction.atomic
def adjustment_withdraw(*, adjustment: Adjustment, actor) -> Adjustment:
    """Its proposer or the province withdraws an item, proposed or approved, until the year's
    results are published; an approved one stops counting from the next recomputation on."""
    locked = adjustments_select_for_update().select_related("complex").get(pk=adjustment.pk)
    transition = adjustment_workflow.check(
        adjustment=locked, action=adjustment_workflow.WITHDRAW, user=actor
    )
    locked.status = transition.target
    locked.withdrawn_by = actor
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["status", "withdrawn_by", "withdrawn_at"])
    return locked


# Dynamic management --------------------------------------------------------------------------


@transaction.atomic
def dynamic_management_apply(*, year: int) -> list[ManagementDecision]:
    """Turn the year's grades into status changes (动态管理), once per complex and year:
    a fail puts an operating complex into rectification with a deadline, a second consecutive
    fail proposes removal for an official to confirm, a pass restores a rectifying complex."""
    evaluations = selectors.evaluations_for_management(year=year)
    previous = selectors.grades_by_complex(year=year - 1)
    decided = set(ManagementDecision.objects.filter(year=year).values_list("complex_id", flat=True))
    # A removal still awaiting its decision is not proposed again.
    pending = set(
        ManagementDecision.objects.filter(proposal_status=ProposalStatus.PENDING).values_list(
            "complex_id", flat=True
        )
    )
    decisions = []
    for evaluation in evaluations:
        complex_ = evaluation.complex
        deadline = timezone.localdate() + timedelta(days=evaluation.scheme.rectification_period)
        if complex_.pk in decided:
            continue
        score = {"year": year, "score": evaluation.score}
        if evaluation.grade == Grade.FAIL and previous.get(complex_.pk) == Grade.FAIL:
            if complex_.pk in pending:
                continue
            decision = ManagementDecision(
                complex=complex_,
                year=year,
                kind=ManagementKind.PROPOSE_REMOVAL,
                proposal_status=ProposalStatus.PENDING,
                reason=_(
                    "Failed the %(year)s evaluation (score %(score)s) for the second year running."
                )
                % score,
            )
        elif evaluation.grade == Grade.FAIL and complex_.status == Status.OPERATING:
            reason = _(
                "Failed the %(year)s evaluation (score %(score)s); rectify by %(deadline)s."
            ) % {
                **score,
                "deadline": deadline.isoformat(),
            }
            complex_change_status(
                complex_=complex_, to_status=Status.RECTIFYING, reason=reason, actor=None
            )
            decision = ManagementDecision(
                complex=complex_,
                year=year,
                kind=ManagementKind.RECTIFY,
                reason=reason,
                deadline=deadline,
            )
        elif evaluation.grade != Grade.FAIL and complex_.status == Status.RECTIFYING:
            reason = (
                _("Passed the %(year)s evaluation (score %(score)s) after rectification.") % score
            )
            complex_change_status(
                complex_=complex_, to_status=Status.OPERATING, reason=reason, actor=None
            )
            decision = ManagementDecision(
                complex=complex_, year=year, kind=ManagementKind.RESTORE, reason=reason
            )
        else:
            continue
        decisions.append(decision)
    return ManagementDecision.objects.bulk_create(decisions)


@transaction.atomic
def removal_decide(*, decision: ManagementDecision, confirm: bool, actor, comment: str = ""):
    """The province confirms (the complex is removed, once its hearing is recorded) or
    dismisses a proposed removal."""
    policy.require(actor, "removal.decide", decision)
    locked = management_decisions_select_for_update().get(pk=decision.pk)
    if (
        locked.kind != ManagementKind.PROPOSE_REMOVAL
        or locked.proposal_status != ProposalStatus.PENDING
    ):
        raise InvalidTransition(_("This proposal has already been decided."))
    if confirm:
        reason = locked.reason + (f" {comment.strip()}" if comment.strip() else "")
        complex_change_status(
            complex_=locked.complex, to_status=Status.REMOVED, reason=reason, actor=actor
        )
    locked.proposal_status = ProposalStatus.CONFIRMED if confirm else ProposalStatus.DISMISSED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["proposal_status", "decided_by", "decided_at"])
    return locked


@transaction.atomic
def rectification_recheck(
    *, decision: ManagementDecision, passed: bool, checked_on: date, note: str, actor
) -> ManagementDecision:
    """The province records the re-check of a rectifying complex: passed, it operates again;
    failed, its removal is proposed (confirmed only after a hearing)."""
    policy.require(actor, "rectification.recheck", decision)
    locked = management_decisions_select_for_update().select_related("complex").get(pk=decision.pk)
    if locked.kind != ManagementKind.RECTIFY or locked.recheck_outcome != RecheckOutcome.PENDING:
        raise InvalidTransition(_("This rectification has already been re-checked."))
    if locked.complex.status != Status.RECTIFYING:
        raise InvalidTransition(_("The complex is no longer in rectification."))
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Write down what the re-check found."), field="note")
    if checked_on is None or checked_on > timezone.localdate():
        raise DomainError(_("A re-check is recorded once it has been done."), field="checked_on")
    if passed:
        complex_change_status(
            complex_=locked.complex,
            to_status=Status.OPERATING,
            reason=_("Passed the re-check after rectification: %(note)s") % {"note": note},
            actor=actor,
        )
    else:
        ManagementDecision.objects.create(
            complex=locked.complex,
            year=locked.year,
            kind=ManagementKind.PROPOSE_REMOVAL,
            proposal_status=ProposalStatus.PENDING,
            reason=_("Failed the re-check after rectification: %(note)s") % {"note": note},
        )
    locked.recheck_outcome = RecheckOutcome.PASSED if passed else RecheckOutcome.FAILED
    locked.recheck_on = checked_on
    locked.recheck_note = note
    locked.recheck_by = actor
    locked.save(update_fields=["recheck_outcome", "recheck_on", "recheck_note", "recheck_by"])
    return locked
