"""State-changing rules of services and vouchers. Every function is one transaction."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.notifications import notify
from accounts.validators import validate_username_not_reserved
from complexes.models import Complex
from portal import credit_code, policy
from portal.exceptions import DomainError, InvalidTransition, NotPermitted
from portal.notifications import lazy_format

from . import deliverables
from .attachments import uploaded_name, validate_attachment, validate_licence
from .lock_objects import (
    claims_select_for_update,
    enterprises_select_for_update,
    service_requests_select_for_update,
    voucher_entries_select_for_update,
)
from .models import (
    ClaimStatus,
    Enterprise,
    EnterpriseClaim,
    EntryKind,
    Offering,
    RequestStatus,
    ServiceRequest,
    ServiceRequestEvent,
    Voucher,
    VoucherEntry,
    VoucherRules,
    VoucherSettlement,
)
from .voucher_sheet import parse_voucher_sheet
from .vouchers import ledger_entry, voucher_consume, voucher_hold, voucher_release

S = RequestStatus

# SYSTEM: the nightly clocks (services/auto_confirm.py), never a person.
OPERATOR, ENTERPRISE, SYSTEM = "operator", "enterprise", "system"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    party: str  # who may make the move: the complex's operator or the requesting enterprise
    # True: only for an offering with a price; False: only for one "on quotation" (面议),
    # whose price is agreed through a quote (services/quotes.py); None: either.
    priced: bool | None = None


TRANSITIONS: dict[str, Transition] = {
    "accept": Transition(frozenset({S.SUBMITTED}), S.ACCEPTED, OPERATOR, priced=True),
    "quote": Transition(frozenset({S.SUBMITTED}), S.QUOTED, OPERATOR, priced=False),
    "accept_quote": Transition(frozenset({S.QUOTED}), S.ACCEPTED, ENTERPRISE, priced=False),
    # A declined quote hands the request back to the operator: quote again, or reject.
    "decline_quote": Transition(frozenset({S.QUOTED}), S.SUBMITTED, ENTERPRISE, priced=False),
    "reject": Transition(frozenset({S.SUBMITTED, S.ACCEPTED}), S.REJECTED, OPERATOR),
    "start": Transition(frozenset({S.ACCEPTED}), S.IN_PROGRESS, OPERATOR),
    "deliver": Transition(frozenset({S.IN_PROGRESS}), S.DELIVERED, OPERATOR),
    "confirm": Transition(frozenset({S.DELIVERED}), S.COMPLETED, ENTERPRISE),
    "auto_confirm": Transition(frozenset({S.DELIVERED}), S.COMPLETED, SYSTEM),
    "dispute": Transition(frozenset({S.DELIVERED}), S.IN_PROGRESS, ENTERPRISE),
    "cancel": Transition(frozenset({S.SUBMITTED, S.QUOTED, S.ACCEPTED}), S.CANCELLED, ENTERPRISE),
}


def allowed_actions(*, service_request: ServiceRequest, user) -> list[str]:
    """The actions this user may take on the request now (for pages to offer)."""
    return [
        action
        for action, move in TRANSITIONS.items()
        if service_request.status in move.sources
        and _fits_price(move, service_request.offering)
        and move.party != SYSTEM
        and _is_party(user, service_request, move.party)
    ]


def _fits_price(move: Transition, offering: Offering) -> bool:
    return move.priced is None or move.priced == (offering.price is not None)


def _is_party(user, service_request: ServiceRequest, party: str) -> bool:
    action = "service_request.handle" if party == OPERATOR else "service_request.respond"
    return policy.can(user, action, service_request)


# --- enterprises ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    """What a registration produced: a new, still unverified enterprise with its user (who
    may sign in), or a claim on an enterprise already registered (the user stays inactive)."""

    user: User
    enterprise: Enterprise | None = None
    claim: EnterpriseClaim | None = None


@transaction.atomic
def enterprise_register(
    *,
    username: str,
    password: str,
    email: str = "",
    credit_code_value: str,
    name: str,
    region,
    size: str,
    high_tech: bool = False,
    tech_sme: bool = False,
    contact_name: str = "",
    contact_phone: str = "",
    business_licence=None,
) -> Registration:
    """Self-registration: the enterprise and its first user, both or neither.

    Registering proves nothing, so the enterprise starts unverified. A credit code that is
    already registered is not taken over: the registration becomes a claim, which needs the
    claimant's business licence, and an official decides it.
    """
    try:
        validate_username_not_reserved(username)
    except ValidationError as error:
        raise DomainError(error.messages[0], field="username") from error
    enterprise = Enterprise(
        credit_code=credit_code.normalise(credit_code_value),
        name=name.strip(),
        region=region,
        size=size,
        high_tech=high_tech,
        tech_sme=tech_sme,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=email,
    )
    enterprise.full_clean(validate_unique=False)
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("This user name is taken: choose another."), field="username")
    user = User.objects.new_enterprise_user(username=username, email=email, first_name=contact_name)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    if business_licence:
        validate_licence(business_licence)
        enterprise.business_licence_name = uploaded_name(business_licence)
        enterprise.business_licence = business_licence
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError:  # the code is registered already (perhaps by a race just won)
        registered = Enterprise.objects.get(credit_code=enterprise.credit_code)
        return _claim_create(enterprise=registered, user=user, claimed=enterprise)
    user.enterprise = enterprise
    user.save()
    return Registration(user=user, enterprise=enterprise)


def _claim_create(*, enterprise: Enterprise, user: User, claimed: Enterprise) -> Registration:
    if not claimed.business_licence:
        raise DomainError(
            _(
                "An enterprise with this credit code is already registered. To claim it, "
                "register again with your business licence: an official will compare both "
                "licences."
            ),
            field="credit_code",
        )
    # No role anchor and no sign-in until an official awards the claim.
    user.set_awaiting_claim()
    user.save()
    claim = EnterpriseClaim.objects.create(
        enterprise=enterprise,
        claimant=user,
        name=claimed.name,
        contact_name=claimed.contact_name,
        contact_phone=claimed.contact_phone,
        business_licence=claimed.business_licence,
        business_licence_name=claimed.business_licence_name,
    )
    notify(
        recipients=User.objects.regional_officials_over(enterprise.region_id),
        subject=lazy_format(
            gettext_lazy("A second party claims %(name)s (%(code)s)"),
            name=enterprise.name,
            code=enterprise.credit_code,
        ),
        body=gettext_lazy("Compare both business licences and decide the claim."),
        url=reverse("services:claim_detail", args=[claim.pk]),
    )
    return Registration(user=user, claim=claim)


@transaction.atomic
def enterprise_licence_upload(*, actor, licence) -> Enterprise:
    """The enterprise's user uploads (or replaces) its business licence for verification."""
    if not policy.can(actor, "enterprise.upload_licence"):
        raise NotPermitted(_("Only the enterprise's own users upload its business licence."))
    enterprise = enterprises_select_for_update().get(pk=actor.enterprise_id)
    if enterprise.verified:
        raise InvalidTransition(_("Your enterprise is verified already."))
    validate_licence(licence)
    enterprise.business_licence_name = uploaded_name(licence)
    enterprise.business_licence = licence
    enterprise.verification_rejected_reason = ""
    enterprise.save(
        update_fields=[
            "business_licence",
            "business_licence_name",
            "verification_rejected_reason",
            "updated_at",
        ]
    )
    return enterprise


# What an enterprise's own users may edit of its profile: not the credit code (its identity,
# checked against the business licence), nor the region or the verification.
ENTERPRISE_PROFILE_FIELDS = (
    "name", "size", "address", "contact_name", "contact_phone", "contact_email", "high_tech",
    "high_tech_certificate",
)  # fmt: skip


@transaction.atomic
def enterprise_profile_update(*, actor, enterprise: Enterprise, **fields) -> Enterprise:
    """The enterprise's own user edits its profile (any of ENTERPRISE_PROFILE_FIELDS). A
    high-tech enterprise gives its certificate number; one that is not keeps none."""
    policy.require(actor, "enterprise.edit_profile", enterprise)
    unknown = set(fields) - set(ENTERPRISE_PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not editable on an enterprise's profile: {sorted(unknown)}")
    locked = enterprises_select_for_update().get(pk=enterprise.pk)
    for name, value in fields.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    if not locked.high_tech:
        locked.high_tech_certificate = ""
    locked.high_tech_certificate = locked.high_tech_certificate.upper()
    locked.full_clean(validate_unique=False)
    if locked.high_tech and not locked.high_tech_certificate:
        raise DomainError(
            _("Give the certificate number of your high-tech enterprise certificate."),
            field="high_tech_certificate",
        )
    locked.save(update_fields=[*ENTERPRISE_PROFILE_FIELDS, "updated_at"])
    return locked


def _official_decision(actor, lock, model, pk: int):
    """The one authorization of verification decisions: officials only (403), and the object
    locked (with ``lock``, from ``lock_objects``) through the actor's scope (404 outside it)."""
    if not policy.can(actor, "enterprise.verify"):
        raise NotPermitted(_("Only officials verify enterprises."))
    return get_object_or_404(lock(model.objects.in_scope(actor, "enterprise.verify")), pk=pk)


@transaction.atomic
def enterprise_verify(*, actor, enterprise: Enterprise) -> Enterprise:
    """An official of the enterprise's region has checked its business licence: it is verified
    and may receive vouchers."""
    locked = _official_decision(actor, enterprises_select_for_update, Enterprise, enterprise.pk)
    if locked.verified:
        raise InvalidTransition(_("This enterprise is verified already."))
    if not locked.business_licence:
        raise InvalidTransition(_("This enterprise has not uploaded its business licence yet."))
    locked.verified, locked.verified_at, locked.verified_by = True, timezone.now(), actor
    locked.verification_rejected_reason = ""
    locked.save(
        update_fields=[
            "verified",
            "verified_at",
            "verified_by",
            "verification_rejected_reason",
            "updated_at",
        ]
    )
    notify(
        recipients=_users_of(locked.pk),
        subject=lazy_format(gettext_lazy("Your enterprise %(name)s is verified"), name=locked.name),
        body=gettext_lazy(
            "Its business licence has been checked: it can now receive innovation vouchers."
        ),
        url=reverse("services:my_enterprise"),
    )
    return locked


@transaction.atomic
def enterprise_reject_verification(*, actor, enterprise: Enterprise, reason: str) -> Enterprise:
    """The licence does not prove the registration: the enterprise stays unverified and is told
    why, so that it can upload the right one."""
    if not (reason or "").strip():
        raise DomainError(_("Give a reason for the rejection."), field="reason")
    locked = _official_decision(actor, enterprises_select_for_update, Enterprise, enterprise.pk)
    if locked.verified:
        raise InvalidTransition(_("This enterprise is verified already."))
    locked.verification_rejected_reason = reason.strip()
    locked.save(update_fields=["verification_rejected_reason", "updated_at"])
    notify(
        recipients=_users_of(locked.pk),
        subject=lazy_format(
            gettext_lazy("The business licence of %(name)s was not accepted"), name=locked.name
        ),
        body=locked.verification_rejected_reason,
        url=reverse("services:my_enterprise"),
    )
    return locked


def _pending_claim(actor, claim: EnterpriseClaim) -> EnterpriseClaim:
    locked = _official_decision(actor, claims_select_for_update, EnterpriseClaim, claim.pk)
    if locked.status != ClaimStatus.PENDING:
        raise InvalidTransition(_("This claim has been decided already."))
    return locked


@transaction.atomic
def enterprise_claim_award(*, actor, claim: EnterpriseClaim, reason: str = "") -> EnterpriseClaim:
    """The claimant's licence is the right one: the claimant becomes the enterprise's user and
    the enterprise is verified with that licence; its previous users lose access. Vouchers and
    requests stay with the enterprise."""
    locked = _pending_claim(actor, claim)
    enterprise = enterprises_select_for_update().get(pk=locked.enterprise_id)
    previous = list(_users_of(enterprise.pk).filter(is_active=True).order_by("pk"))
    # Told before they lose access: notify() writes only to active users.
    notify(
        recipients=previous,
        subject=lazy_format(
            gettext_lazy("Your access to %(name)s has ended"), name=enterprise.name
        ),
        body=gettext_lazy("An official has awarded the enterprise's account to another claimant."),
    )
    User.objects.filter(pk__in=[user.pk for user in previous]).update(is_active=False)
    claimant = locked.claimant
    claimant.set_enterprise_user(enterprise)
    claimant.save(update_fields=["role", "enterprise", "is_active"])
    enterprise.business_licence = locked.business_licence
    enterprise.business_licence_name = locked.business_licence_name
    enterprise.contact_name, enterprise.contact_phone = locked.contact_name, locked.contact_phone
    enterprise.contact_email = claimant.email
    enterprise.verified, enterprise.verified_at, enterprise.verified_by = (
        True,
        timezone.now(),
        actor,
    )
    enterprise.verification_rejected_reason = ""
    enterprise.save()
    _decide(locked, actor, ClaimStatus.AWARDED, reason)
    notify(
        recipients=[claimant],
        subject=lazy_format(
            gettext_lazy("Your claim to %(name)s has been accepted"), name=enterprise.name
        ),
        body=gettext_lazy("You can now sign in as the enterprise's user."),
        url=reverse("services:my_enterprise"),
    )
    return locked


@transaction.atomic
def enterprise_claim_reject(*, actor, claim: EnterpriseClaim, reason: str) -> EnterpriseClaim:
    """The claim is not proven: the claimant's account stays inactive, without an enterprise."""
    if not (reason or "").strip():
        raise DomainError(_("Give a reason for the rejection."), field="reason")
    locked = _pending_claim(actor, claim)
    _decide(locked, actor, ClaimStatus.REJECTED, reason)
    claimant = locked.claimant
    if claimant.email:  # an inactive account has no inbox to read
        with translation.override(claimant.language or settings.LANGUAGE_CODE):
            message = (
                _("Your claim to the enterprise %(code)s was rejected")
                % {"code": locked.enterprise.credit_code},
                locked.reason,
                settings.DEFAULT_FROM_EMAIL,
                [claimant.email],
            )
        transaction.on_commit(lambda: send_mail(*message, fail_silently=True))
    return locked


def _decide(claim: EnterpriseClaim, actor, status: str, reason: str) -> None:
    claim.status, claim.reason = status, (reason or "").strip()
    claim.decided_at, claim.decided_by = timezone.now(), actor
    claim.save(update_fields=["status", "reason", "decided_at", "decided_by"])


# --- catalogue -----------------------------------------------------------------------------


OFFERING_FIELDS = (
    "institution",
    "title",
    "service_type",
    "description",
    "price",
    "turnaround_days",
    "voucher_eligible",
    "active",
)


@transaction.atomic
def offering_save(*, offering: Offering, fields: dict, actor) -> Offering:
    """Create or edit an offering of the operator's own complex."""
    if offering.pk is None:
        offering.complex_id = actor.complex_id
    if not policy.can(actor, "offering.manage", offering):
        raise NotPermitted(_("Only the complex's operator manages its catalogue."))
    for name, value in fields.items():
        if name in OFFERING_FIELDS:
            setattr(offering, name, value)
    institution = fields.get("institution") or offering.institution
    if institution.complex_id != actor.complex_id:
        raise DomainError(
            _("The delivering institution must be a member of your complex."), field="institution"
        )
    offering.full_clean()
    offering.save()
    return offering


@transaction.atomic
def offering_delete(*, offering: Offering, actor) -> None:
    if not policy.can(actor, "offering.manage", offering):
        raise NotPermitted(_("Only the complex's operator manages its catalogue."))
    if offering.requests.exists():
        raise DomainError(
            _("This offering has service requests: deactivate it instead of deleting it.")
        )
    offering.delete()


# --- service requests ----------------------------------------------------------------------


@transaction.atomic
def service_request_create(
    *,
    offering: Offering,
    actor,
    description: str,
    attachment=None,
    voucher: Voucher | None = None,
    voucher_amount: Decimal | None = None,
) -> ServiceRequest:
    """An enterprise user requests an offering, optionally paying part with a voucher."""
    if not policy.can(actor, "service_request.create"):
        raise NotPermitted(_("Only enterprise users request services."))
    if not offering.active:
        raise DomainError(_("This offering is no longer available."), field="offering")
    if not (description or "").strip():
        raise DomainError(_("Describe what you need."), field="description")
    voucher_amount = voucher_amount or Decimal("0")
    if offering.price is None and (voucher is not None or voucher_amount):
        raise DomainError(
            _("This service is priced on quotation: choose the voucher when you accept the quote."),
            field="voucher",
        )
    if voucher is not None or voucher_amount:
        _check_voucher_use(offering=offering, voucher=voucher)
    service_request = ServiceRequest(
        offering=offering,
        complex_id=offering.complex_id,
        enterprise_id=actor.enterprise_id,
        description=description.strip(),
    )
    if attachment:
        validate_attachment(attachment)
        service_request.attachment_name = uploaded_name(attachment)
        service_request.attachment = attachment
    service_request.save()
    if voucher is not None:
        # Held at once: what is submitted can always be paid (the operator's acceptance
        # cannot fail on money), and a second request sees only what is left.
        voucher_hold(
            service_request=service_request, voucher=voucher, amount=voucher_amount, actor=actor
        )
    ServiceRequestEvent.objects.create(
        request=service_request, from_status="", to_status=S.SUBMITTED, actor=actor
    )
    _tell_new_request(service_request)
    return service_request


def _check_voucher_use(*, offering, voucher) -> None:
    if voucher is None:
        raise DomainError(_("Choose the voucher to pay with."), field="voucher")
    if not offering.voucher_eligible:
        raise DomainError(_("This offering does not accept innovation vouchers."), field="voucher")


def _move(
    *, service_request: ServiceRequest, action: str, actor, note: str = "", tell: bool = True
):
    """Lock the request, check the actor and the move, record it (and tell the other party,
    unless the caller sends a notice of its own).

    Returns the locked row (already in its new status) and the status it left."""
    move = TRANSITIONS[action]
    locked = (
        service_requests_select_for_update().select_related("offering").get(pk=service_request.pk)
    )
    if move.party != SYSTEM and not _is_party(actor, locked, move.party):
        raise NotPermitted(
            _("Only the complex's operator may do this.")
            if move.party == OPERATOR
            else _("Only the requesting enterprise may do this.")
        )
    if locked.status not in move.sources:
        raise InvalidTransition(
            _("A request that is “%(status)s” cannot be %(action)s.")
            % {"status": S(locked.status).label, "action": ACTION_LABELS[action]}
        )
    if not _fits_price(move, locked.offering):
        raise InvalidTransition(
            _("This service is priced on quotation: agree the price through a quote first.")
            if move.priced
            else _("This service has a price: there is nothing to quote.")
        )
    ServiceRequestEvent.objects.create(
        request=locked, from_status=locked.status, to_status=move.target, actor=actor, note=note
    )
    from_status, locked.status = locked.status, move.target
    if tell:
        _tell_status(locked, moved_by=move.party, note=note)
    return locked, from_status


ACTION_LABELS = {
    "accept": gettext_lazy("accepted"),
    "quote": gettext_lazy("quoted"),
    "accept_quote": gettext_lazy("accepted at the quoted price"),
    "decline_quote": gettext_lazy("declined"),
    "auto_confirm": gettext_lazy("confirmed automatically"),
    "reject": gettext_lazy("rejected"),
    "start": gettext_lazy("started"),
    "deliver": gettext_lazy("delivered"),
    "confirm": gettext_lazy("confirmed"),
    "dispute": gettext_lazy("disputed"),
    "cancel": gettext_lazy("cancelled"),
}


def _save(service_request: ServiceRequest, original: ServiceRequest, *fields: str):
    service_request.save(update_fields=["status", "updated_at", *fields])
    for name in ("status", *fields):
        setattr(original, name, getattr(service_request, name))
    return service_request


@transaction.atomic
def service_request_accept(*, service_request: ServiceRequest, actor) -> ServiceRequest:
    """The operator accepts (the voucher amount, if any, was held at submission)."""
    locked, _from = _move(service_request=service_request, action="accept", actor=actor)
    locked.accepted_at = timezone.now()
    locked.due_at = locked.accepted_at + timedelta(days=locked.offering.turnaround_days)
    return _save(locked, service_request, "accepted_at", "due_at")


@transaction.atomic
def service_request_reject(*, service_request: ServiceRequest, actor, reason: str):
    if not (reason or "").strip():
        raise DomainError(_("Give a reason for the rejection."), field="reason")
    locked, _from = _move(
        service_request=service_request, action="reject", actor=actor, note=reason
    )
    voucher_release(service_request=locked, actor=actor)
    locked.rejection_reason = reason.strip()
    return _save(locked, service_request, "rejection_reason")


@transaction.atomic
def service_request_start(*, service_request: ServiceRequest, actor) -> ServiceRequest:
    locked, _from = _move(service_request=service_request, action="start", actor=actor)
    return _save(locked, service_request)


@transaction.atomic
def service_request_deliver(*, service_request: ServiceRequest, actor, note: str, files=()):
    """The operator delivers, handing over ``files`` (test reports, designs) if any; the clock
    of the automatic confirmation starts now."""
    if not (note or "").strip():
        raise DomainError(_("Describe what was delivered."), field="note")
    deliverables.check(files)
    locked, _from = _move(service_request=service_request, action="deliver", actor=actor, note=note)
    deliverables.attach(service_request=locked, files=files, actor=actor)
    locked.delivery_note = note.strip()
    locked.delivered_at = timezone.now()
    return _save(locked, service_request, "delivery_note", "delivered_at")


@transaction.atomic
def service_request_confirm(*, service_request: ServiceRequest, actor, rating: int, comment=""):
    """The enterprise confirms delivery and rates it: the held voucher money is consumed."""
    if rating not in range(1, 6):
        raise DomainError(_("Rate the service from 1 to 5."), field="rating")
    locked, _from = _move(
        service_request=service_request, action="confirm", actor=actor, note=comment
    )
    voucher_consume(service_request=locked, actor=actor)
    locked.rating, locked.comment = rating, (comment or "").strip()
    locked.completed_at = timezone.now()
    return _save(locked, service_request, "rating", "comment", "completed_at")


@transaction.atomic
def service_request_dispute(*, service_request: ServiceRequest, actor, reason: str):
    if not (reason or "").strip():
        raise DomainError(_("Say what is wrong with the delivery."), field="reason")
    locked, _from = _move(
        service_request=service_request, action="dispute", actor=actor, note=reason
    )
    return _save(locked, service_request)


@transaction.atomic
def service_request_cancel(*, service_request: ServiceRequest, actor) -> ServiceRequest:
    locked, _from = _move(service_request=service_request, action="cancel", actor=actor)
    voucher_release(service_request=locked, actor=actor)
    return _save(locked, service_request)


# --- notifications -------------------------------------------------------------------------
# Each notice is written in its reader's language (notify renders it per recipient).


def _operators_of(complex_id: int):
    return User.objects.operators_of(complex_id)


def _users_of(enterprise_id: int):
    return User.objects.users_of_enterprise(enterprise_id)


def _request_url(service_request: ServiceRequest) -> str:
    return reverse("services:request_detail", args=[service_request.pk])


def _tell_new_request(service_request: ServiceRequest) -> None:
    notify(
        recipients=_operators_of(service_request.complex_id),
        subject=lazy_format(
            gettext_lazy("New service request #%(id)s: %(title)s"),
            id=service_request.pk,
            title=service_request.offering.title,
        ),
        body=service_request.description,
        url=_request_url(service_request),
    )


def _tell_status(service_request: ServiceRequest, *, moved_by: str, note: str) -> None:
    """The other party hears of a move: the enterprise of the operator's, and vice versa."""
    recipients = {
        OPERATOR: _users_of(service_request.enterprise_id),
        ENTERPRISE: _operators_of(service_request.complex_id),
        SYSTEM: [
            *_users_of(service_request.enterprise_id),
            *_operators_of(service_request.complex_id),
        ],
    }[moved_by]
    notify(
        recipients=recipients,
        subject=lazy_format(
            gettext_lazy("Service request #%(id)s “%(title)s” is now: %(status)s"),
            id=service_request.pk,
            title=service_request.offering.title,
            status=S(service_request.status).label,
        ),
        body=note,
        url=_request_url(service_request),
    )


# --- vouchers ------------------------------------------------------------------------------


@transaction.atomic
def voucher_issue(
    *,
    enterprise: Enterprise,
    amount: Decimal,
    actor,
    valid_from: date | None = None,
    expires_on: date | None = None,
) -> Voucher:
    """The province issues a voucher directly (not from an application)."""
    if not policy.can(actor, "voucher.issue", enterprise):
        raise NotPermitted(_("Only provincial officials issue innovation vouchers."))
    voucher = voucher_create(
        enterprise=enterprise,
        amount=amount,
        actor=actor,
        valid_from=valid_from,
        expires_on=expires_on,
    )
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            recipients=_users_of(enterprise.pk),
            subject=_("An innovation voucher of %(amount)s CNY has been issued to you")
            % {"amount": amount},
            body=_("Valid from %(start)s to %(end)s.")
            % {"start": voucher.valid_from, "end": voucher.expires_on},
            url=reverse("services:vouchers"),
        )
    return voucher


def voucher_create(
    *,
    enterprise: Enterprise,
    amount: Decimal,
    actor,
    valid_from: date | None = None,
    expires_on: date | None = None,
) -> Voucher:
    """Issue a voucher within the year's rules: its whole amount is the opening balance.

    The caller has decided that ``actor`` may issue it (the province, or a city deciding an
    application when the year's rules delegate issuing). Without a start date it is valid from
    the day of issue (in the portal's time zone); without an end, for the year's validity."""
    if valid_from is None:
        valid_from = timezone.localdate()
    if not enterprise.verified:
        raise DomainError(
            _(
                "%(name)s is not verified yet: an official of its region must check its "
                "business licence before it can receive vouchers."
            )
            % {"name": enterprise.name},
            field="enterprise",
        )
    if amount is None or amount <= 0:
        raise DomainError(_("The amount must be positive."), field="amount")
    if expires_on is None:
        validity = VoucherRules.objects.for_year(valid_from.year).validity_days
        expires_on = valid_from + timedelta(days=validity - 1)
    if expires_on < valid_from:
        raise DomainError(_("The voucher cannot expire before it is valid."), field="expires_on")
    _check_voucher_rules(enterprise=enterprise, amount=amount, year=valid_from.year)
    voucher = Voucher.objects.create(
        enterprise=enterprise,
        amount=amount,
        balance=amount,
        valid_from=valid_from,
        expires_on=expires_on,
        issued_by=actor,
    )
    ledger_entry(voucher, EntryKind.ISSUE, amount, None, actor)
    return voucher


def _check_voucher_rules(*, enterprise: Enterprise, amount: Decimal, year: int) -> None:
    """The year's bounds: the most one voucher carries, and the cap of what one enterprise is
    issued in the year (counted by the vouchers' first valid day)."""
    rules = VoucherRules.objects.for_year(year)
    if amount > rules.max_amount_per_voucher:
        raise DomainError(
            _("A voucher of %(year)s carries at most %(limit)s CNY.")
            % {"year": year, "limit": rules.max_amount_per_voucher},
            field="amount",
        )
    # The enterprise's row is locked, so two vouchers issued at once cannot both pass the cap.
    enterprises_select_for_update().filter(pk=enterprise.pk).first()
    issued = Voucher.objects.filter(enterprise=enterprise, valid_from__year=year).aggregate(
        total=Sum("amount")
    )["total"] or Decimal(0)
    if issued + amount > rules.cap_per_enterprise_per_year:
        raise DomainError(
            _(
                "The enterprise has been issued %(issued)s CNY of vouchers in %(year)s: with "
                "this one it would pass the cap of %(cap)s CNY a year."
            )
            % {"issued": issued, "year": year, "cap": rules.cap_per_enterprise_per_year},
            field="amount",
        )


@transaction.atomic
def voucher_import(*, upload, actor) -> list[Voucher]:
    """Issue the vouchers of an Excel sheet: all of them or, on any faulty cell, none."""
    if not policy.can(actor, "voucher.issue"):
        raise NotPermitted(_("Only provincial officials issue innovation vouchers."))
    return [voucher_issue(actor=actor, **row) for row in parse_voucher_sheet(upload)]


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = month.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), zone),
        timezone.make_aware(datetime.combine(following, time.min), zone),
    )


@transaction.atomic
def voucher_settle(*, complex_: Complex, month: date, actor) -> VoucherSettlement:
    """Pay a complex the voucher money consumed in one finished month, once."""
    if not policy.can(actor, "settlement.settle", complex_):
        raise NotPermitted(_("Only provincial officials settle vouchers."))
    month = month.replace(day=1)
    if month >= timezone.localdate().replace(day=1):
        raise DomainError(_("Only a month that has ended can be settled."), field="month")
    start, end = month_bounds(month)
    # Lock the month's unsettled consumptions first: a concurrent settlement then finds none.
    locked = list(
        voucher_entries_select_for_update()
        .filter(
            kind=EntryKind.CONSUME,
            complex=complex_,
            settlement__isnull=True,
            at__gte=start,
            at__lt=end,
        )
        .values_list("pk", flat=True)
    )
    entries = VoucherEntry.objects.filter(pk__in=locked)
    per_voucher = dict(
        entries.order_by("voucher_id").values_list("voucher_id").annotate(total=Sum("amount"))
    )
    if not per_voucher:
        raise InvalidTransition(_("Nothing is left to settle for this complex and month."))
    if VoucherSettlement.objects.filter(complex=complex_, month=month).exists():
        raise InvalidTransition(_("This complex's month has already been settled."))
    settlement = VoucherSettlement.objects.create(
        complex=complex_, month=month, amount=sum(per_voucher.values()), settled_by=actor
    )
    entries.update(settlement=settlement)
    VoucherEntry.objects.bulk_create(
        VoucherEntry(
            voucher_id=voucher_id,
            kind=EntryKind.SETTLE,
            amount=total,
            complex=complex_,
            settlement=settlement,
            actor=actor,
        )
        for voucher_id, total in per_voucher.items()
    )
    notify(
        recipients=_operators_of(complex_.pk),
        subject=lazy_format(
            gettext_lazy("Vouchers settled: %(amount)s CNY for %(month)s"),
            amount=settlement.amount,
            month=f"{month:%Y-%m}",
        ),
        url=reverse("services:settlements"),
    )
    return settlement
