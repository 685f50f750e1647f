"""Voucher applications: an enterprise applies, the official of its region reviews, the
province issues (or the city, when the year's voucher rules delegate it).

The workflow is a table: each open status names who decides at that stage and where approval
leads; rejection (with a reason) closes the application from any open stage. Any other move
is refused as an invalid transition.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from complexes.models import RegionLevel
from portal import policy
from portal.exceptions import DomainError, InvalidTransition, NotPermitted
from portal.limits import DESCRIPTION_MAX_LENGTH
from portal.notifications import notify

from .lock_objects import enterprises_select_for_update, voucher_applications_select_for_update
from .models import (
    ApplicationStatus,
    Enterprise,
    Offering,
    Voucher,
    VoucherApplication,
    VoucherRules,
)
from .services import voucher_create

A = ApplicationStatus


def _reviews(user, application: VoucherApplication) -> bool:
    """The city or county official of the enterprise's region."""
    return policy.can(user, "voucher_application.review", application)


def _issues(user, application: VoucherApplication) -> bool:
    """The province; or, when the year's rules delegate issuing, the city official of the
    enterprise's city (not a county's official)."""
    if policy.can(user, "voucher.issue", application.enterprise):
        return True
    return (
        VoucherRules.objects.for_year(application.year).city_issues
        and policy.can(user, "voucher_application.issue_delegated", application)
        and user.region.level == RegionLevel.CITY
    )


@dataclass(frozen=True)
class Stage:
    decides: Callable[..., bool]  # who may approve or reject at this stage
    approved: str  # where approval leads
    refused: str  # what the one who may not decide is told


STAGES: dict[str, Stage] = {
    A.SUBMITTED: Stage(
        _reviews,
        A.RECOMMENDED,
        _("The city or county official of the enterprise's region reviews this application."),
    ),
    A.RECOMMENDED: Stage(
        _issues,
        A.ISSUED,
        _("The province issues this voucher (or the city, when the year's rules say so)."),
    ),
}


def allowed_actions(*, application: VoucherApplication, user) -> list[str]:
    """What the user may do with the application now: approve and reject, or nothing."""
    stage = STAGES.get(application.status)
    return ["approve", "reject"] if stage and stage.decides(user, application) else []


def _open_stage(actor, application: VoucherApplication, action: str):
    """Lock the application through the actor's scope (404 outside it), then check that it is
    open (409) and that the actor decides at its stage (403)."""
    if not policy.can(actor, "voucher_application.decide"):
        raise NotPermitted(_("Only officials decide voucher applications."))
    queryset = VoucherApplication.objects.in_scope(actor, "voucher_application.decide")
    locked = get_object_or_404(
        voucher_applications_select_for_update(queryset).select_related("enterprise"),
        pk=application.pk,
    )
    stage = STAGES.get(locked.status)
    if stage is None:
        raise InvalidTransition(
            format_lazy(
                _("An application that is “{status}” cannot be {action}."),
                status=A(locked.status).label,
                action=ACTION_LABELS[action],
            )
        )
    if not stage.decides(actor, locked):
        raise NotPermitted(stage.refused)
    return locked, stage


ACTION_LABELS = {"approve": _("approved"), "reject": _("rejected")}


@transaction.atomic
def voucher_application_create(
    *, actor, amount: Decimal, purpose: str, planned_services: Iterable[Offering] = ()
) -> VoucherApplication:
    """The enterprise's user applies for a voucher of ``amount`` this year, within the year's
    rules: no more than one voucher carries, nor than is left of the enterprise's yearly cap
    once its vouchers and its open applications are counted."""
    if not policy.can(actor, "voucher_application.create"):
        raise NotPermitted(_("Only enterprise users apply for innovation vouchers."))
    # Locked so that two applications at once cannot both pass the cap.
    enterprise = enterprises_select_for_update().get(pk=actor.enterprise_id)
    if not enterprise.verified:
        raise DomainError(
            _(
                "Your enterprise is not verified yet: an official of its region must check its "
                "business licence before it can apply for vouchers."
            )
        )
    purpose = (purpose or "").strip()
    if not purpose:
        raise DomainError(_("Say what the voucher is for."), field="purpose")
    if len(purpose) > DESCRIPTION_MAX_LENGTH:
        raise DomainError(
            format_lazy(_("Write at most {limit} characters."), limit=DESCRIPTION_MAX_LENGTH),
            field="purpose",
        )
    planned = list(planned_services)
    if any(not (offering.active and offering.voucher_eligible) for offering in planned):
        raise DomainError(
            _("Plan only active services that accept innovation vouchers."),
            field="planned_services",
        )
    year = timezone.localdate().year
    _check_amount(enterprise=enterprise, amount=amount, year=year)
    application = VoucherApplication.objects.create(
        enterprise=enterprise, year=year, amount=amount, purpose=purpose, applicant=actor
    )
    application.planned_services.set(planned)
    notify(
        recipients=User.objects.regional_officials_over(enterprise.region_id),
        subject=format_lazy(
            _("{name} applies for an innovation voucher of {amount} CNY"),
            name=enterprise.name,
            amount=amount,
        ),
        body=purpose,
        url=reverse("services:voucher_application_detail", args=[application.pk]),
    )
    return application


def _check_amount(*, enterprise: Enterprise, amount: Decimal, year: int) -> None:
    if amount is None or amount <= 0:
        raise DomainError(_("The amount must be positive."), field="amount")
    rules = VoucherRules.objects.for_year(year)
    if amount > rules.max_amount_per_voucher:
        raise DomainError(
            format_lazy(
                _("A voucher of {year} carries at most {limit} CNY."),
                year=year,
                limit=rules.max_amount_per_voucher,
            ),
            field="amount",
        )
    issued = Voucher.objects.filter(enterprise=enterprise, valid_from__year=year).aggregate(
        total=Sum("amount")
    )["total"] or Decimal(0)
    applied = VoucherApplication.objects.pending().filter(
        enterprise=enterprise, year=year
    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    if issued + applied + amount > rules.cap_per_enterprise_per_year:
        raise DomainError(
            format_lazy(
                _(
                    "Your enterprise has {issued} CNY of vouchers and {applied} CNY of open "
                    "applications in {year}: with this one it would pass the cap of {cap} CNY "
                    "a year."
                ),
                issued=issued,
                applied=applied,
                year=year,
                cap=rules.cap_per_enterprise_per_year,
            ),
            field="amount",
        )


@transaction.atomic
def voucher_application_approve(*, application: VoucherApplication, actor) -> VoucherApplication:
    """Recommend a submitted application (the region's review) or issue a recommended one."""
    locked, stage = _open_stage(actor, application, "approve")
    now = timezone.now()
    if stage.approved == A.RECOMMENDED:
        locked.reviewed_by, locked.reviewed_at = actor, now
        _tell_issuers(locked)
    else:
        locked.voucher = voucher_create(
            enterprise=locked.enterprise, amount=locked.amount, actor=actor
        )
        locked.decided_by, locked.decided_at = actor, now
        _tell_applicant(
            locked,
            subject=format_lazy(
                _("Your voucher application No. {id} is approved: {amount} CNY issued"),
                id=locked.pk,
                amount=locked.amount,
            ),
            body=format_lazy(
                _("Valid from {start} to {end}."),
                start=locked.voucher.valid_from,
                end=locked.voucher.expires_on,
            ),
        )
    locked.status = stage.approved
    locked.save()
    return locked


@transaction.atomic
def voucher_application_reject(
    *, application: VoucherApplication, actor, reason: str
) -> VoucherApplication:
    """Close an open application with the reason the enterprise is given."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for the rejection."), field="reason")
    locked, _stage = _open_stage(actor, application, "reject")
    now = timezone.now()
    if locked.status == A.SUBMITTED:
        locked.reviewed_by, locked.reviewed_at = actor, now
    locked.decided_by, locked.decided_at = actor, now
    locked.status, locked.rejection_reason = A.REJECTED, reason
    locked.save()
    _tell_applicant(
        locked,
        subject=format_lazy(_("Your voucher application No. {id} is rejected"), id=locked.pk),
        body=reason,
    )
    return locked


def _tell_issuers(application: VoucherApplication) -> None:
    region = application.enterprise.region_id
    issuers = (
        User.objects.regional_officials_over(region).filter(region_id=f"{region[:4]}00")
        if VoucherRules.objects.for_year(application.year).city_issues
        else User.objects.provincial_officials()
    )
    notify(
        recipients=issuers,
        subject=format_lazy(
            _("Voucher application No. {id} of {name} is recommended for issue"),
            id=application.pk,
            name=application.enterprise.name,
        ),
        body=application.purpose,
        url=reverse("services:voucher_application_detail", args=[application.pk]),
    )


def _tell_applicant(application: VoucherApplication, *, subject, body) -> None:
    notify(
        recipients=User.objects.users_of_enterprise(application.enterprise_id),
        subject=subject,
        body=body,
        url=reverse("services:voucher_application_detail", args=[application.pk]),
    )
