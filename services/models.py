from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from complexes.models import MemberQuerySet, Region
from portal.audit import audited
from portal.credit_code import validate_credit_code
from portal.limits import COMMENT_MAX_LENGTH, DESCRIPTION_MAX_LENGTH, REASON_MAX_LENGTH
from portal.models import ScopedQuerySet, TimeStampedModel
from portal.uploads import private_upload_name

from . import clocks
from .validators import validate_high_tech_certificate


class EnterpriseSize(models.TextChoices):
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


class EnterpriseQuerySet(ScopedQuerySet):
    scope_region = "region__code"
    scope_enterprise = "pk"


def licence_path(instance, filename: str) -> str:
    return private_upload_name("business-licences", filename)


class VerificationState(models.TextChoices):
    """Where an enterprise's registration stands (derived from its fields, for pages)."""

    NO_LICENCE = "no_licence", _("No business licence yet")
    PENDING = "pending", _("Awaiting verification")
    REJECTED = "rejected", _("Licence rejected")
    VERIFIED = "verified", _("Verified")


@audited(
    fields=["credit_code", "name", "region", "size", "address", "high_tech",
            "high_tech_certificate", "tech_sme", "contact_name", "contact_phone", "contact_email",
            "legal_representative",
            "verified", "verified_at", "verified_by", "verification_rejected_reason",
            "business_licence"],
    model_name="EnterpriseEvent",
)  # fmt: skip
class Enterprise(TimeStampedModel):
    """An enterprise that looks for and requests services, identified by its credit code.

    Self-registration proves nothing: an enterprise is ``verified`` only once an official of its
    region has checked the business licence (营业执照) it uploaded. Until then it may browse and
    request services, but receives no innovation voucher.
    """

    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        error_messages={"unique": _("An enterprise with this credit code is already registered.")},
    )
    name = models.CharField(_("name"), max_length=150)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="enterprises"
    )
    size = models.CharField(_("size"), max_length=8, choices=EnterpriseSize.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    high_tech = models.BooleanField(_("national high-tech enterprise"), default=False)
    high_tech_certificate = models.CharField(
        _("high-tech enterprise certificate number"),
        max_length=14,
        blank=True,
        validators=[validate_high_tech_certificate],
        help_text=_("As printed on the certificate, e.g. GR202333001234."),
    )
    tech_sme = models.BooleanField(_("S&T SME"), default=False)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    verified = models.BooleanField(_("verified"), default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    business_licence = models.FileField(
        _("business licence"), upload_to=licence_path, blank=True, max_length=200
    )
    business_licence_name = models.CharField(
        _("business licence file name"), max_length=150, blank=True
    )
    verification_rejected_reason = models.TextField(
        _("reason the licence was rejected"), blank=True
    )

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                name="enterprise_verified_when_by",
                condition=Q(verified=False) | Q(verified_at__isnull=False),
            )
        ]
        indexes = [
            models.Index(
                fields=["region"],
                name="enterprise_region_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["region"],
                name="enterprise_unverified",
                opclasses=["varchar_pattern_ops"],
                condition=Q(verified=False),
            ),
            # The officials' list, 100 at a time in this order: read from the index instead of
            # sorting every enterprise of the scope (30,000 at scale 10) for each page.
            models.Index(fields=["name", "id"], name="enterprise_by_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def verification_state(self) -> str:
        if self.verified:
            return VerificationState.VERIFIED
        if self.verification_rejected_reason:
            return VerificationState.REJECTED
        if self.business_licence:
            return VerificationState.PENDING
        return VerificationState.NO_LICENCE

    def get_verification_state_display(self) -> str:
        return VerificationState(self.verification_state).label


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Under review")
    AWARDED = "awarded", _("Awarded")
    REJECTED = "rejected", _("Rejected")


class EnterpriseClaimQuerySet(ScopedQuerySet):
    # Officials of the enterprise's region decide; neither party sees the other's claim.
    scope_region = "enterprise__region__code"

    def pending(self):
        return self.filter(status=ClaimStatus.PENDING)


@audited()
class EnterpriseClaim(models.Model):
    """A second registration of an already registered credit code.

    It does not take the firm over: the claimant's account stays inactive until an official of
    the firm's region has compared both business licences and awarded or rejected the claim.
    """

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="claims"
    )
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimant"),
        on_delete=models.PROTECT,
        related_name="enterprise_claims",
    )
    name = models.CharField(_("name given by the claimant"), max_length=150)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    business_licence = models.FileField(
        _("business licence"), upload_to=licence_path, max_length=200
    )
    business_licence_name = models.CharField(
        _("business licence file name"), max_length=150, blank=True
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("claimed at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = EnterpriseClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise claim")
        verbose_name_plural = _("enterprise claims")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claimant"],
                condition=Q(status="pending"),
                name="claim_one_pending_per_claimant",
            ),
            models.CheckConstraint(
                name="claim_decided_when_closed",
                condition=Q(status="pending") | Q(decided_at__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "status"], name="claim_enterprise")]

    def __str__(self):
        return f"{self.enterprise_id} ← {self.claimant_id}"


class ServiceType(models.TextChoices):
    RD_DESIGN = "rd_design", _("R&D and design")
    TECH_TRANSFER = "tech_transfer", _("Technology transfer and commercialisation")
    INCUBATION = "incubation", _("Incubation")
    STANDARDS = "standards", _("Standards")
    TESTING = "testing", _("Testing and inspection")
    CONSULTING_TRAINING = "consulting_training", _("Consulting and training")
    FINANCE = "finance", _("Finance")
    EXHIBITION_MARKETING = "exhibition_marketing", _("Exhibitions and marketing")
    INTERNATIONAL = "international", _("International cooperation")
    IP = "ip", _("Intellectual property")


class OfferingQuerySet(ScopedQuerySet):
    scope_region = "complex__region__code"
    scope_complex = "complex_id"

    def active(self):
        return self.filter(active=True)


@audited()
class Offering(TimeStampedModel):
    """A service in a complex's catalogue, delivered by one of its member institutions."""

    complex = models.ForeignKey(
        "complexes.Complex",
        verbose_name=_("complex"),
        on_delete=models.CASCADE,
        related_name="offerings",
    )
    institution = models.ForeignKey(
        "complexes.Institution",
        verbose_name=_("delivering institution"),
        on_delete=models.PROTECT,
        related_name="offerings",
    )
    title = models.CharField(_("title"), max_length=150)
    service_type = models.CharField(_("service type"), max_length=24, choices=ServiceType.choices)
    description = models.TextField(_("description"), blank=True, max_length=DESCRIPTION_MAX_LENGTH)
    price = models.DecimalField(
        _("price (CNY)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Leave empty for “on quotation”."),
    )
    turnaround_days = models.PositiveSmallIntegerField(
        _("typical turnaround (days)"), validators=[MinValueValidator(1)]
    )
    voucher_eligible = models.BooleanField(_("innovation vouchers accepted"), default=False)
    active = models.BooleanField(_("active"), default=True)

    objects = OfferingQuerySet.as_manager()

    class Meta:
        verbose_name = _("service offering")
        verbose_name_plural = _("service offerings")
        ordering = ["complex_id", "service_type", "title", "id"]
        constraints = [
            models.CheckConstraint(
                name="offering_price_not_negative", condition=Q(price__gte=0) | Q(price=None)
            ),
            models.CheckConstraint(
                name="offering_turnaround_positive", condition=Q(turnaround_days__gte=1)
            ),
        ]
        indexes = [models.Index(fields=["active", "service_type"], name="offering_catalogue")]

    def __str__(self):
        return self.title


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    QUOTED = "quoted", _("Quoted")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


# Requests the operator still owes work on: these can be overdue.
OPEN_STATUSES = (RequestStatus.ACCEPTED, RequestStatus.IN_PROGRESS)


class ServiceRequestQuerySet(ScopedQuerySet):
    scope_region = "complex__region__code"
    scope_complex = "complex_id"
    scope_enterprise = "enterprise_id"

    def with_overdue(self, now=None):
        """``overdue``: the operator has let a clock run out, the answer to a submitted request
        or the delivery of an accepted one (services/clocks.py)."""
        now = now or timezone.now()
        return self.annotate(
            overdue=models.ExpressionWrapper(
                Q(status=RequestStatus.SUBMITTED, answer_due_at__lt=now)
                | Q(status__in=OPEN_STATUSES, due_at__lt=now),
                output_field=models.BooleanField(),
            )
        )


def attachment_path(instance, filename: str) -> str:
    return private_upload_name("service-requests", filename)


@audited(model_name="ServiceRequestChange", related_name="changes")
class ServiceRequest(TimeStampedModel):
    """An enterprise's request for an offering, moving through its lifecycle."""

    offering = models.ForeignKey(
        Offering, verbose_name=_("offering"), on_delete=models.PROTECT, related_name="requests"
    )
    # The offering's complex, kept on the request so that scope and indicators need no join.
    complex = models.ForeignKey(
        "complexes.Complex",
        verbose_name=_("complex"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    description = models.TextField(_("need description"), max_length=DESCRIPTION_MAX_LENGTH)
    attachment = models.FileField(
        _("attachment"), upload_to=attachment_path, blank=True, max_length=200
    )
    attachment_name = models.CharField(_("attachment file name"), max_length=150, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    voucher = models.ForeignKey(
        "Voucher",
        verbose_name=_("innovation voucher"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_requests",
    )
    voucher_amount = models.DecimalField(
        _("amount paid by voucher (CNY)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    answer_due_at = models.DateTimeField(
        _("answer due at"),
        null=True,
        blank=True,
        help_text=_("When the operator must have accepted, quoted or rejected the request."),
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    auto_confirmed = models.BooleanField(
        _("confirmed automatically"),
        default=False,
        help_text=_("Neither confirmed nor disputed in time: confirmed without a rating."),
    )
    # The operator's quote for an offering priced "on quotation", until the enterprise decides.
    quoted_price = models.DecimalField(
        _("quoted price (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    quoted_delivery_date = models.DateField(_("quoted delivery date"), null=True, blank=True)
    quote_note = models.TextField(_("quote note"), blank=True, max_length=REASON_MAX_LENGTH)
    quoted_at = models.DateTimeField(_("quoted at"), null=True, blank=True)
    delivery_note = models.TextField(_("delivery note"), blank=True, max_length=REASON_MAX_LENGTH)
    rejection_reason = models.TextField(
        _("rejection reason"), blank=True, max_length=REASON_MAX_LENGTH
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX_LENGTH)

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="request_rating_1_to_5",
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
            ),
            models.CheckConstraint(
                name="request_voucher_amount",
                condition=Q(voucher_amount=0) | Q(voucher_amount__gt=0, voucher__isnull=False),
            ),
            models.CheckConstraint(
                name="request_completed_is_rated",
                condition=~Q(status=RequestStatus.COMPLETED)
                | Q(rating__isnull=False, completed_at__isnull=False)
                | Q(auto_confirmed=True, completed_at__isnull=False),
            ),
            models.CheckConstraint(
                name="request_quoted_has_quote",
                condition=~Q(status=RequestStatus.QUOTED)
                | Q(quoted_price__gte=0, quoted_delivery_date__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["complex", "status", "-submitted_at"], name="request_queue"),
            models.Index(fields=["enterprise", "-submitted_at"], name="request_enterprise"),
            models.Index(fields=["status", "completed_at"], name="request_completed"),
            # The lists' order (newest first): a page or a download of the province's requests
            # reads it in order instead of sorting every request.
            models.Index(fields=["-submitted_at", "-id"], name="request_recent"),
            # An operator's queue in that order, without reading the province's newest first.
            models.Index(fields=["complex", "-submitted_at", "-id"], name="request_complex_recent"),
            # The nightly clocks: submitted requests by answer deadline, delivered ones by date.
            models.Index(fields=["status", "answer_due_at"], name="request_answer_clock"),
            models.Index(fields=["status", "delivered_at"], name="request_delivered"),
            # The year's completed requests of given enterprises (the dashboard's services to
            # the 26 mountain counties, nightly): a few index entries per enterprise, read
            # without the table, instead of every request the enterprise ever made.
            models.Index(
                fields=["enterprise", "completed_at"],
                include=["complex", "id"],
                condition=Q(status=RequestStatus.COMPLETED),
                name="request_enterprise_completed",
            ),
            # A complex's completed requests per quarter (its page, for those in its scope):
            # counted from the index alone, not from a table page for each request.
            models.Index(
                fields=["complex", "completed_at"],
                condition=Q(status=RequestStatus.COMPLETED),
                name="request_complex_completed",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.offering_id} · {self.enterprise_id}"

    def save(self, *args, **kwargs):
        # The answer clock starts with the submission, whoever creates the row.
        if self.answer_due_at is None and self.status == RequestStatus.SUBMITTED:
            self.answer_due_at = clocks.answer_deadline(self.submitted_at)
        super().save(*args, **kwargs)

    @property
    def overdue_clock(self) -> str:
        """Which clock of an ``overdue`` row ran out: "answer" or "delivery" ("" if none)."""
        if not getattr(self, "overdue", False):
            return ""
        return "answer" if self.status == RequestStatus.SUBMITTED else "delivery"


class ServiceRequestEvent(models.Model):
    """One step of a request's timeline: who moved it, when, and what they said."""

    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("request")
    )
    from_status = models.CharField(
        _("from"), max_length=12, choices=RequestStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=RequestStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"], name="request_event_timeline")]

    def __str__(self):
        return f"{self.request_id}: {self.from_status or '∅'} → {self.to_status}"


class VoucherStatus(models.TextChoices):
    NOT_YET_VALID = "not_yet_valid", _("Not yet valid")
    ACTIVE = "active", _("Active")
    USED_UP = "used_up", _("Used up")
    EXPIRED = "expired", _("Expired")


class VoucherQuerySet(ScopedQuerySet):
    scope_region = "enterprise__region__code"
    scope_enterprise = "enterprise_id"


class VoucherRulesQuerySet(models.QuerySet):
    def for_year(self, year: int) -> "VoucherRules":
        """The rules of ``year``: its own row, else the latest earlier year's (rules hold until
        a later year gets its own), else the earliest row there is."""
        rules = self.filter(year__lte=year).order_by("-year").first()
        return rules or self.order_by("year").first() or VoucherRules(year=year)


@audited()
class VoucherRules(models.Model):
    """The bounds of the innovation vouchers issued in one year (set in the admin).

    The shipped defaults (migration ``services.0005``) follow Shandong's published rule
    (docs: DOMAIN.md): 500,000 CNY per voucher and per enterprise and year, half of a
    service's price at most, a year of validity.
    """

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        help_text=_("These rules hold from this year until a later year has rules of its own."),
    )
    max_amount_per_voucher = models.DecimalField(
        _("most per voucher (CNY)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("500000.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    cap_per_enterprise_per_year = models.DecimalField(
        _("cap per enterprise and year (CNY)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("500000.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("The vouchers issued to one enterprise in the year add up to this at most."),
    )
    max_share_of_price = models.DecimalField(
        _("most share of a service's price"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1.00"))],
        help_text=_("0.50: a voucher pays at most half of the price."),
    )
    validity_days = models.PositiveSmallIntegerField(
        _("validity (days)"), default=365, validators=[MinValueValidator(1)]
    )
    city_issues = models.BooleanField(
        _("cities issue the vouchers"),
        default=False,
        help_text=_(
            "When set, a city official issues the vouchers applied for in the city's region; "
            "otherwise the province does."
        ),
    )

    objects = VoucherRulesQuerySet.as_manager()

    class Meta:
        verbose_name = _("voucher rules")
        verbose_name_plural = _("voucher rules")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                name="voucher_rules_amounts_positive",
                condition=Q(max_amount_per_voucher__gt=0, cap_per_enterprise_per_year__gt=0),
            ),
            models.CheckConstraint(
                name="voucher_rules_share_is_a_fraction",
                condition=Q(max_share_of_price__gt=0, max_share_of_price__lte=1),
            ),
        ]

    def __str__(self):
        return str(self.year)


@audited()
class Voucher(TimeStampedModel):
    """An innovation voucher (创新券) issued to an enterprise.

    ``balance`` is what is still available; ``held`` is reserved by the requests submitted with
    it and not yet confirmed, rejected or cancelled; ``lapsed`` is the balance that expired
    unused. The ledger reconciles: issued = balance + held + consumed + lapsed.
    """

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="vouchers"
    )
    amount = models.DecimalField(_("issued amount (CNY)"), max_digits=14, decimal_places=2)
    balance = models.DecimalField(_("balance (CNY)"), max_digits=14, decimal_places=2)
    held = models.DecimalField(
        _("held (CNY)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    lapsed = models.DecimalField(
        _("lapsed at expiry (CNY)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    valid_from = models.DateField(_("valid from"))
    expires_on = models.DateField(_("expires on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = VoucherQuerySet.as_manager()

    class Meta:
        verbose_name = _("innovation voucher")
        verbose_name_plural = _("innovation vouchers")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(name="voucher_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="voucher_balance_not_negative", condition=Q(balance__gte=0)
            ),
            models.CheckConstraint(name="voucher_held_not_negative", condition=Q(held__gte=0)),
            models.CheckConstraint(name="voucher_lapsed_not_negative", condition=Q(lapsed__gte=0)),
            models.CheckConstraint(
                name="voucher_within_issued_amount",
                condition=Q(
                    balance__lte=models.F("amount") - models.F("held") - models.F("lapsed")
                ),
            ),
            models.CheckConstraint(
                name="voucher_validity_window", condition=Q(expires_on__gte=models.F("valid_from"))
            ),
        ]

    def __str__(self):
        return f"#{self.pk} · {self.amount}"

    def status_on(self, day: date) -> str:
        if day < self.valid_from:
            return VoucherStatus.NOT_YET_VALID
        if day > self.expires_on:
            return VoucherStatus.EXPIRED
        if self.balance == 0 and self.held == 0:
            return VoucherStatus.USED_UP
        return VoucherStatus.ACTIVE

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    def get_status_display(self) -> str:
        return VoucherStatus(self.status).label

    @property
    def consumed(self) -> Decimal:
        return self.amount - self.balance - self.held - self.lapsed


class EntryKind(models.TextChoices):
    ISSUE = "issue", _("Issued")
    HOLD = "hold", _("Held")
    RELEASE = "release", _("Released")
    CONSUME = "consume", _("Consumed")
    LAPSE = "lapse", _("Lapsed at expiry")
    SETTLE = "settle", _("Settled")


@audited()
class VoucherSettlement(models.Model):
    """The province's payout to a complex of the voucher money consumed in one month."""

    complex = models.ForeignKey(
        "complexes.Complex",
        verbose_name=_("complex"),
        on_delete=models.PROTECT,
        related_name="voucher_settlements",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month settled."))
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("settled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    settled_at = models.DateTimeField(_("settled at"), default=timezone.now)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("voucher settlement")
        verbose_name_plural = _("voucher settlements")
        ordering = ["-month", "complex_id"]
        constraints = [
            models.UniqueConstraint(fields=["complex", "month"], name="settlement_once_a_month"),
            models.CheckConstraint(name="settlement_amount_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self):
        return f"{self.complex_id} {self.month:%Y-%m}: {self.amount}"


class VoucherEntryQuerySet(ScopedQuerySet):
    scope_region = "voucher__enterprise__region__code"
    scope_enterprise = "voucher__enterprise_id"


@audited()
class VoucherEntry(models.Model):
    """One line of a voucher's ledger. ``amount`` is always positive; ``kind`` says which way
    it moves: issue adds to the balance, hold moves balance to held, release moves it back,
    consume spends held money, lapse removes the balance left at expiry, settle records the
    payout of consumed money."""

    voucher = models.ForeignKey(
        Voucher, on_delete=models.CASCADE, related_name="entries", verbose_name=_("voucher")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    service_request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="voucher_entries",
    )
    # The complex paid for consumed money: what settlement groups by.
    complex = models.ForeignKey(
        "complexes.Complex",
        verbose_name=_("complex"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    settlement = models.ForeignKey(
        VoucherSettlement,
        verbose_name=_("settlement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    objects = VoucherEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("voucher ledger entry")
        verbose_name_plural = _("voucher ledger entries")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(name="voucher_entry_positive", condition=Q(amount__gt=0)),
        ]
        indexes = [
            models.Index(fields=["voucher", "at"], name="voucher_ledger"),
            models.Index(
                fields=["complex", "at"],
                name="voucher_unsettled",
                condition=Q(kind="consume", settlement__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.voucher_id} {self.kind} {self.amount}"


class OfferingStats(models.Model):
    """What the enterprises' confirmed requests say of an offering, kept by
    ``services.offering_stats`` (on each confirmation, and every night) so that the catalogue
    sorts and shows them without reading the requests. Derived figures: not audited."""

    offering = models.OneToOneField(
        Offering, on_delete=models.CASCADE, primary_key=True, related_name="stats"
    )
    served_count = models.PositiveIntegerField(_("requests served"), default=0)
    rating_count = models.PositiveIntegerField(_("ratings"), default=0)
    rating_average = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("offering figures")
        verbose_name_plural = _("offering figures")

    def __str__(self):
        return str(self.offering)


def deliverable_path(instance, filename: str) -> str:
    return private_upload_name("deliverables", filename)


class DeliverableQuerySet(ScopedQuerySet):
    scope_region = "request__complex__region__code"
    scope_complex = "request__complex_id"
    scope_enterprise = "request__enterprise_id"


class Deliverable(models.Model):
    """A file the operator hands over with a delivery (a test report, a design), kept in
    private storage and downloaded by whoever may see the request."""

    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        related_name="deliverables",
    )
    file = models.FileField(_("file"), upload_to=deliverable_path, max_length=200)
    name = models.CharField(_("file name"), max_length=150)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    objects = DeliverableQuerySet.as_manager()

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name


class NoticeKind(models.TextChoices):
    AUTO_CONFIRM_SOON = "auto_confirm_soon", _("Automatic confirmation coming")
    ANSWER_OVERDUE = "answer_overdue", _("Answer overdue")
    ANSWER_ESCALATED = "answer_escalated", _("Answer overdue, escalated")
    DELIVERY_OVERDUE = "delivery_overdue", _("Delivery overdue")
    DELIVERY_ESCALATED = "delivery_escalated", _("Delivery overdue, escalated")


class ServiceRequestNotice(models.Model):
    """A notice the nightly clocks sent about a request, once per kind and deadline: a second
    run the same night, or the next night, sends nothing new; a new deadline (a declined quote,
    a disputed delivery) starts its clock anew."""

    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    deadline = models.DateTimeField(_("deadline"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("request notice")
        verbose_name_plural = _("request notices")
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind", "deadline"], name="request_notice_once"
            )
        ]

    def __str__(self):
        return f"{self.request_id} {self.kind} {self.deadline:%Y-%m-%d}"


class VoucherReminder(models.Model):
    """One expiry reminder sent about a voucher: a nightly run sends each kind once."""

    class Kind(models.IntegerChoices):
        THIRTY_DAYS = 30, _("30 days before expiry")
        SEVEN_DAYS = 7, _("7 days before expiry")

    voucher = models.ForeignKey(
        Voucher, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("voucher")
    )
    days_before = models.PositiveSmallIntegerField(_("days before expiry"), choices=Kind.choices)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("voucher expiry reminder")
        verbose_name_plural = _("voucher expiry reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["voucher", "days_before"], name="voucher_reminder_once_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.voucher_id} −{self.days_before}d"


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting the region's review")
    RECOMMENDED = "recommended", _("Recommended, awaiting issue")
    # "Issued" alone is also the label of a voucher's issued money (发放): the status reads 已发放.
    ISSUED = "issued", pgettext_lazy("voucher application status", "Issued")
    REJECTED = "rejected", _("Rejected")


class VoucherApplicationQuerySet(ScopedQuerySet):
    scope_region = "enterprise__region__code"
    scope_enterprise = "enterprise_id"

    def pending(self):
        return self.filter(status__in=(ApplicationStatus.SUBMITTED, ApplicationStatus.RECOMMENDED))


@audited()
class VoucherApplication(TimeStampedModel):
    """An enterprise's application for an innovation voucher: the city or county official of
    its region reviews it (recommends or rejects), then the province issues it, or the city
    when the year's voucher rules say so."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="voucher_applications",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount applied for (CNY)"), max_digits=14, decimal_places=2)
    purpose = models.TextField(_("purpose"), max_length=DESCRIPTION_MAX_LENGTH)
    planned_services = models.ManyToManyField(
        Offering, verbose_name=_("planned services"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.TextField(
        _("rejection reason"), blank=True, max_length=REASON_MAX_LENGTH
    )
    voucher = models.OneToOneField(
        Voucher,
        verbose_name=_("voucher issued"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="application",
    )

    objects = VoucherApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("voucher application")
        verbose_name_plural = _("voucher applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="voucher_application_amount_positive", condition=Q(amount__gt=0)
            ),
            models.CheckConstraint(
                name="voucher_application_issued_has_voucher",
                condition=~Q(status=ApplicationStatus.ISSUED) | Q(voucher__isnull=False),
            ),
            models.CheckConstraint(
                name="voucher_application_rejected_has_reason",
                condition=~Q(status=ApplicationStatus.REJECTED) | ~Q(rejection_reason=""),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="voucher_application_queue"),
            models.Index(fields=["enterprise", "year"], name="voucher_application_year"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.enterprise_id} · {self.amount}"


class SettlementReviewState(models.TextChoices):
    PREPARED = "prepared", _("Prepared")
    CHECKED = "checked", _("Checked by the city")
    RETURNED = "returned", _("Returned")
    PAID = "paid", _("Paid by the province")


class SettlementReviewQuerySet(ScopedQuerySet):
    # Owed to complexes: officials see the reviews of the complexes in their region.
    scope_region = "complex__region__code"
    scope_complex = "complex_id"


@audited()
class SettlementReview(models.Model):
    """A complex's month of consumed voucher money on its way to payment: the province
    prepares it, an official of the complex's city checks it (or returns it with a reason),
    then the province pays it (``services/settlement_review.py`` holds the moves)."""

    complex = models.ForeignKey(
        "complexes.Complex",
        verbose_name=_("complex"),
        on_delete=models.PROTECT,
        related_name="settlement_reviews",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month settled."))
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    state = models.CharField(
        _("state"),
        max_length=8,
        choices=SettlementReviewState.choices,
        default=SettlementReviewState.PREPARED,
    )
    reason = models.TextField(_("reason returned"), blank=True, max_length=REASON_MAX_LENGTH)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    prepared_at = models.DateTimeField(_("prepared at"), default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    settlement = models.OneToOneField(
        VoucherSettlement,
        verbose_name=_("settlement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review",
    )

    objects = SettlementReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("settlement review")
        verbose_name_plural = _("settlement reviews")
        ordering = ["-month", "complex_id"]
        constraints = [
            models.UniqueConstraint(fields=["complex", "month"], name="settlement_review_once"),
            models.CheckConstraint(
                name="settlement_review_paid_has_settlement",
                condition=~Q(state="paid") | Q(settlement__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.complex_id} {self.month:%Y-%m}: {self.state}"


class FraudReason(models.TextChoices):
    SHARED_IDENTITY = (
        "shared_identity",
        _("The enterprise and the provider share a legal representative, address or telephone"),
    )
    BURST_UNDER_CAP = "burst_under_cap", _("A burst of requests each just under a voucher cap")
    SINGLE_PROVIDER = "single_provider", _("All the enterprise's vouchers go to one provider")


class FraudFlagQuerySet(ScopedQuerySet):
    scope_region = "request__complex__region__code"
    scope_complex = "request__complex_id"
    scope_enterprise = "request__enterprise_id"

    def open(self):
        return self.filter(cleared_at__isnull=True)


@audited()
class FraudFlag(models.Model):
    """A signal that a voucher-paid request deserves a look (``services/fraud.py``). It never
    blocks anything by itself; an official clears it with a note."""

    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        related_name="fraud_flags",
    )
    reason = models.CharField(_("reason"), max_length=16, choices=FraudReason.choices)
    # The facts that matched (values, request numbers), not prose: the reason says what they are.
    detail = models.CharField(_("what matched"), max_length=200, blank=True)
    flagged_at = models.DateTimeField(_("flagged at"), default=timezone.now)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cleared by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    clear_note = models.TextField(_("note"), blank=True, max_length=REASON_MAX_LENGTH)

    objects = FraudFlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("fraud signal")
        verbose_name_plural = _("fraud signals")
        ordering = ["-flagged_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "reason"], name="fraud_flag_once"),
            models.CheckConstraint(
                name="fraud_flag_cleared_with_note",
                condition=Q(cleared_at__isnull=True) | ~Q(clear_note=""),
            ),
        ]
        indexes = [
            models.Index(fields=["request"], name="fraud_flag_open", condition=Q(cleared_at=None))
        ]

    def __str__(self):
        return f"{self.request_id} {self.reason}"


class SurveyStatus(models.TextChoices):
    SENT = "sent", _("Awaiting the answer")
    ANSWERED = "answered", _("Answered")
    EXPIRED = "expired", _("Expired unanswered")


class ImpactSurveyQuerySet(ScopedQuerySet):
    scope_region = "complex__region__code"
    scope_complex = "complex_id"
    scope_enterprise = "enterprise_id"

    def pending(self):
        return self.filter(status=SurveyStatus.SENT)


# What an answer may say: a change in percent of the year before the service (−100 % is all of
# it lost; more than ten times is a typing error), counts an SME can plausibly report.
PERCENT_CHANGE_BOUNDS = (Decimal("-100"), Decimal("1000"))
COUNT_LIMIT = 100_000


def _percent_change(verbose_name, help_text):
    return models.DecimalField(
        verbose_name,
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(PERCENT_CHANGE_BOUNDS[0]),
            MaxValueValidator(PERCENT_CHANGE_BOUNDS[1]),
        ],
        help_text=help_text,
    )


def _count(verbose_name, help_text):
    return models.PositiveIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MaxValueValidator(COUNT_LIMIT)],
        help_text=help_text,
    )


@audited()
class ImpactSurvey(TimeStampedModel):
    """The impact follow-up of one completed service request: twelve months after completion the
    enterprise is asked what the service changed (services/impact.py). One per request; sent
    once, then answered or, after ``expires_on``, expired. The answer lives on the same row and
    is complete or absent (a constraint), so an aggregate never reads half an answer."""

    request = models.OneToOneField(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        related_name="impact_survey",
    )
    # The request's complex and enterprise, kept here so that scope and the per-complex
    # aggregate need no join.
    complex = models.ForeignKey(
        "complexes.Complex",
        verbose_name=_("complex"),
        on_delete=models.PROTECT,
        related_name="impact_surveys",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="impact_surveys",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.SENT
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_on = models.DateField(_("answer by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revenue_change = _percent_change(
        _("revenue change (%)"),
        _("Revenue of the last twelve months against the twelve months before the service."),
    )
    new_products = _count(
        _("new products"), _("Products or processes launched with the service's help.")
    )
    jobs_created = _count(_("jobs created"), _("Net new jobs since the service."))
    rd_spend_change = _percent_change(
        _("R&D spend change (%)"),
        _("R&D spend of the last twelve months against the twelve months before the service."),
    )
    recommend_score = models.PositiveSmallIntegerField(
        _("would recommend (0–10)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(10)],
        help_text=_(
            "How likely the enterprise is to recommend the complex: 0 not at all, 10 surely."
        ),
    )

    objects = ImpactSurveyQuerySet.as_manager()

    ANSWER_FIELDS = (
        "revenue_change",
        "new_products",
        "jobs_created",
        "rd_spend_change",
        "recommend_score",
    )

    class Meta:
        verbose_name = _("impact survey")
        verbose_name_plural = _("impact surveys")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="impact_survey_answered_in_full",
                condition=(
                    Q(
                        status=SurveyStatus.ANSWERED,
                        answered_at__isnull=False,
                        revenue_change__isnull=False,
                        new_products__isnull=False,
                        jobs_created__isnull=False,
                        rd_spend_change__isnull=False,
                        recommend_score__isnull=False,
                    )
                    | Q(
                        ~Q(status=SurveyStatus.ANSWERED),
                        answered_at__isnull=True,
                        revenue_change__isnull=True,
                        new_products__isnull=True,
                        jobs_created__isnull=True,
                        rd_spend_change__isnull=True,
                        recommend_score__isnull=True,
                    )
                ),
            ),
            models.CheckConstraint(
                name="impact_survey_answer_bounds",
                condition=Q(revenue_change__gte=-100, revenue_change__lte=1000)
                & Q(rd_spend_change__gte=-100, rd_spend_change__lte=1000)
                & Q(new_products__lte=COUNT_LIMIT, jobs_created__lte=COUNT_LIMIT)
                & Q(recommend_score__lte=10)
                | Q(status__in=(SurveyStatus.SENT, SurveyStatus.EXPIRED)),
            ),
        ]
        indexes = [
            models.Index(fields=["complex", "status"], name="impact_survey_complex"),
            models.Index(fields=["status", "expires_on"], name="impact_survey_expiry"),
            models.Index(fields=["enterprise", "status"], name="impact_survey_enterprise"),
        ]

    def __str__(self):
        return f"{self.request_id} {self.status}"

    @property
    def is_open(self) -> bool:
        """Sent and still within its time to answer (the nightly run expires it after)."""
        return self.status == SurveyStatus.SENT and self.expires_on >= timezone.localdate()
