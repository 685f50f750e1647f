"""State-changing rules of the complex registry. Every function is one transaction."""

from datetime import date

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import policy
from portal.exceptions import DomainError, InvalidTransition, NotPermitted

from .lock_objects import complexes_select_for_update, status_proposals_select_for_update
from .models import (
    Complex,
    ComplexStatusChange,
    ProposalOutcome,
    RemovalHearing,
    Status,
    StatusProposal,
)
from .selectors import current_hearings

ALLOWED_STATUS_CHANGES: dict[str, set[str]] = {
    Status.CONSTRUCTING: {Status.OPERATING, Status.REMOVED},
    Status.OPERATING: {Status.RECTIFYING, Status.REMOVED},
    Status.RECTIFYING: {Status.OPERATING, Status.REMOVED},
    Status.REMOVED: set(),
}

# What an operator may change on their own complex; classification and status are the
# officials' decision.
OPERATOR_PROFILE_FIELDS = (
    "name",
    "industry",
    "construction_mode",
    "operating_mechanism",
    "host_unit",
    "contact_name",
    "contact_phone",
    "contact_email",
    "website",
    "address",
    "description",
    "longitude",
    "latitude",
)


def editable_complex_fields(user, complex_: Complex) -> frozenset[str]:
    """The fields of ``complex_`` that this user may change."""
    editable = set()
    if policy.can(user, "complex.change_profile", complex_):
        editable |= set(OPERATOR_PROFILE_FIELDS)
    if policy.can(user, "complex.change_classification", complex_):
        editable |= {field.name for field in Complex._meta.concrete_fields if field.editable} - {
            "id",
            "code",
            "created_at",
            "updated_at",
            "status",
        }
    if policy.can(user, "complex.change_status", complex_):
        editable.add("status")
    return frozenset(editable)


@transaction.atomic
def complex_update(*, complex_: Complex, fields: dict, actor, reason: str = "") -> Complex:
    """Apply an edit by ``actor``: profile fields directly, a status through its state machine."""
    fields = dict(fields)
    refused = sorted(set(fields) - editable_complex_fields(actor, complex_))
    if refused:
        raise NotPermitted(
            _("You may not change these fields: %(fields)s.") % {"fields": ", ".join(refused)},
            field=refused[0],
        )
    to_status = fields.pop("status", None)
    if fields:
        for name, value in fields.items():
            setattr(complex_, name, value)
        _save_validated(complex_, fields=[*fields, "updated_at"])
    if to_status is not None and to_status != complex_.status:
        complex_change_status(complex_=complex_, to_status=to_status, reason=reason, actor=actor)
    return complex_


def _save_validated(instance, fields=None):
    instance.full_clean()
    instance.save(update_fields=fields)
    return instance


@transaction.atomic
def complex_create(*, created_by, reason: str = "", **fields) -> Complex:
    policy.require(created_by, "complex.create")
    status = fields.setdefault("status", Status.CONSTRUCTING)
    complex_ = _save_validated(Complex(**fields))
    ComplexStatusChange.objects.create(
        complex=complex_,
        from_status="",
        to_status=status,
        reason=reason or _("Registered in the portal."),
        changed_by=created_by,
    )
    return complex_


@transaction.atomic
def complex_change_status(*, complex_: Complex, to_status: str, reason: str, actor) -> Complex:
    """Move a complex along its lifecycle; the move and its reason are kept in the history.

    ``actor`` None is the portal itself: dynamic management applying a year's grades."""
    if actor is not None:
        policy.require(actor, "complex.change_status", complex_)
    locked = complexes_select_for_update().get(pk=complex_.pk)
    if not (reason or "").strip():
        raise DomainError(_("Give a reason for the status change."), field="reason")
    if to_status not in ALLOWED_STATUS_CHANGES.get(locked.status, set()):
        raise InvalidTransition(
            _("A complex cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Status(locked.status).label, "to": Status(to_status).label}
        )
    if to_status == Status.REMOVED and current_hearing(locked) is None:
        raise DomainError(
            _("Record the hearing of the complex before removing it."), field="hearing"
        )
    ComplexStatusChange.objects.create(
        complex=locked,
        from_status=locked.status,
        to_status=to_status,
        reason=reason.strip(),
        changed_by=actor,
    )
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    complex_.status = to_status
    return locked


def current_hearing(complex_: Complex) -> RemovalHearing | None:
    """The hearing recorded for the complex's case at hand, if any."""
    return current_hearings(complex_.pk).select_related("recorded_by").first()


@transaction.atomic
def removal_hearing_record(
    *, complex_: Complex, held_on: date, outcome: str, actor
) -> RemovalHearing:
    """The province records the hearing it held before a removal: its date and outcome (the
    operator's statement and what was concluded). Every removal needs one."""
    policy.require(actor, "complex.record_hearing", complex_)
    if complex_.status == Status.REMOVED:
        raise InvalidTransition(_("This complex has already been removed."))
    if not (outcome or "").strip():
        raise DomainError(_("Write down the hearing's outcome."), field="outcome")
    if held_on is None or held_on > timezone.localdate():
        raise DomainError(_("A hearing is recorded once it has been held."), field="held_on")
    return RemovalHearing.objects.create(
        complex=complex_, held_on=held_on, outcome=outcome.strip(), recorded_by=actor
    )


# The profile a complex applying again brings over from its removed predecessor.
REAPPLY_FIELDS = (
    "name",
    "level",
    "category",
    "region",
    "industry",
    "cluster_size_tier",
    "construction_mode",
    "operating_mechanism",
    "applicant_government",
    "host_unit",
    "contact_name",
    "contact_phone",
    "contact_email",
    "website",
    "address",
    "description",
    "longitude",
    "latitude",
)


@transaction.atomic
def complex_reapply(*, predecessor: Complex, code: str, reason: str, actor) -> Complex:
    """A removed complex applies again: the province registers a new complex in construction
    from the removed one's profile, linked to it; the predecessor and its history stay."""
    policy.require(actor, "complex.reapply", predecessor)
    locked = complexes_select_for_update().get(pk=predecessor.pk)
    if locked.status != Status.REMOVED:
        raise InvalidTransition(_("Only a removed complex may apply again."))
    if Complex.objects.filter(predecessor=locked).exists():
        raise InvalidTransition(_("This complex has already applied again."))
    if not (reason or "").strip():
        raise DomainError(_("Give a reason for the status change."), field="reason")
    code = (code or "").strip()
    if not code or Complex.objects.filter(code=code).exists():
        raise DomainError(_("Give the new complex a code no other complex has."), field="code")
    return complex_create(
        created_by=actor,
        reason=reason.strip(),
        code=code,
        predecessor=locked,
        founded_year=timezone.localdate().year,
        **{name: getattr(locked, name) for name in REAPPLY_FIELDS},
    )


@transaction.atomic
def status_propose(*, complex_: Complex, to_status: str, reason: str, actor) -> StatusProposal:
    """A city or county official proposes rectification or removal; the province decides."""
    policy.require(actor, "complex.propose_status", complex_)
    if not (reason or "").strip():
        raise DomainError(_("Give a reason for the status change."), field="reason")
    if to_status not in ALLOWED_STATUS_CHANGES.get(complex_.status, set()):
        raise InvalidTransition(
            _("A complex cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Status(complex_.status).label, "to": Status(to_status).label}
        )
    return StatusProposal.objects.create(
        complex=complex_, to_status=to_status, reason=reason.strip(), proposed_by=actor
    )


@transaction.atomic
def status_proposal_decide(*, proposal: StatusProposal, confirm: bool, actor) -> StatusProposal:
    """The province confirms a proposal (the status changes, with the proposal's reason) or
    dismisses it."""
    policy.require(actor, "complex.change_status", proposal.complex)
    locked = status_proposals_select_for_update().get(pk=proposal.pk)
    if locked.outcome != ProposalOutcome.PENDING:
        raise InvalidTransition(_("This proposal has already been decided."))
    if confirm:
        complex_change_status(
            complex_=locked.complex, to_status=locked.to_status, reason=locked.reason, actor=actor
        )
    locked.outcome = ProposalOutcome.CONFIRMED if confirm else ProposalOutcome.DISMISSED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["outcome", "decided_by", "decided_at"])
    return locked


@transaction.atomic
def complex_part_save(*, part: models.Model, fields: dict, actor) -> models.Model:
    """Create or change a member, instrument or team of a complex (``part.complex`` is set)."""
    for name, value in fields.items():
        setattr(part, name, value)
    policy.require(actor, "complex.manage_parts", part.complex)
    return _save_validated(part)


@transaction.atomic
def complex_part_delete(*, part: models.Model, actor) -> None:
    policy.require(actor, "complex.manage_parts", part.complex)
    part.delete()
