from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit import audited
from portal.credit_code import normalise as normalise_credit_code
from portal.credit_code import validate_credit_code
from portal.limits import DESCRIPTION_MAX_LENGTH, REASON_MAX_LENGTH
from portal.models import ScopedQuerySet, TimeStampedModel, correlated_count
from portal.policy import subtree_prefix


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("Prefecture-level city")
    COUNTY = "county", _("County-level division")


class RegionQuerySet(ScopedQuerySet):
    scope_region = "code"

    def subtree(self, code: str):
        return self.filter(code__startswith=subtree_prefix(code))


class Region(models.Model):
    """An administrative division of Zhejiang (GB/T 2260), shipped as data."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    mountain_26 = models.BooleanField(
        _("one of the 26 mountain counties"),
        default=False,
        help_text=_(
            "山区26县: less-developed counties that other regions' platforms should serve."
        ),
    )
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def subtree_prefix(self) -> str:
        return subtree_prefix(self.code)

    @property
    def city_code(self) -> str:
        """The code of the prefecture city this region belongs to (itself for a city)."""
        return self.code[:4] + "00" if self.level != RegionLevel.PROVINCE else self.code


class Level(models.TextChoices):
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


class Category(models.TextChoices):
    TRADITIONAL = "traditional", _("Traditional industry")
    EMERGING = "emerging", _("Strategic emerging industry")


class ClusterSizeTier(models.TextChoices):
    ABOVE_10BN = "above_10bn", _("Cluster output ≥ 10 bn CNY")
    FROM_5_TO_10BN = "5_to_10bn", _("Cluster output 5–10 bn CNY")
    BELOW_5BN = "below_5bn", _("Cluster output < 5 bn CNY")


class ConstructionMode(models.TextChoices):
    GOVERNMENT_LED = "government_led", _("Government-led")
    LEADING_ENTERPRISE = "leading_enterprise", _("Leading-enterprise-driven")
    MULTI_PARTY = "multi_party", _("Multi-party collaborative")
    PLATFORM_UPGRADE = "platform_upgrade", _("Public-platform upgrade")
    WHOLE_CHAIN = "whole_chain", _("Whole-innovation-chain")
    KEY_LINK = "key_link", _("Key-link breakthrough")
    FUTURE_INDUSTRY = "future_industry", _("Future-industry incubation")


class OperatingMechanism(models.TextChoices):
    SHAREHOLDING = "shareholding", _("Shareholding")
    COUNCIL = "council", _("Council")
    MEMBERSHIP = "membership", _("Membership")
    GOVERNMENT_RUN = "government_run", _("Government-run")


class Status(models.TextChoices):
    CONSTRUCTING = "constructing", _("In construction")
    OPERATING = "operating", _("Operating (accepted)")
    RECTIFYING = "rectifying", _("Rectifying")
    REMOVED = "removed", _("Removed")


class ComplexQuerySet(ScopedQuerySet):
    scope_region = "region__code"
    scope_complex = "pk"

    def in_region(self, code: str):
        return self.filter(region__code__startswith=subtree_prefix(code))

    def with_member_counts(self):
        # A correlated count per row rather than a join grouped by every column: a page of the
        # directory then sorts and counts only its own complexes, not every member of the province.
        return self.annotate(member_count=correlated_count(Institution.objects.all()))


@audited()
class Complex(TimeStampedModel):
    """An industrial innovation service complex (产业创新服务综合体)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="complexes"
    )
    industry = models.CharField(_("industry cluster"), max_length=100)
    cluster_size_tier = models.CharField(
        _("cluster size tier"), max_length=12, choices=ClusterSizeTier.choices
    )
    construction_mode = models.CharField(
        _("construction mode"), max_length=24, choices=ConstructionMode.choices
    )
    operating_mechanism = models.CharField(
        _("operating mechanism"), max_length=16, choices=OperatingMechanism.choices
    )
    applicant_government = models.CharField(_("applicant government"), max_length=100)
    host_unit = models.CharField(_("host unit"), max_length=150)
    founded_year = models.PositiveSmallIntegerField(
        _("founding year"), validators=[MinValueValidator(2010), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.CONSTRUCTING
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=DESCRIPTION_MAX_LENGTH)
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("117")), MaxValueValidator(Decimal("124"))],
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("26")), MaxValueValidator(Decimal("32"))],
    )
    predecessor = models.OneToOneField(
        "self",
        verbose_name=_("predecessor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successor",
        help_text=_("The removed complex this one applied again as."),
    )

    objects = ComplexQuerySet.as_manager()

    class Meta:
        verbose_name = _("complex")
        verbose_name_plural = _("complexes")
        ordering = ["code"]
        indexes = [
            models.Index(
                fields=["region"], name="complex_region_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["level", "category", "status"], name="complex_classification"),
        ]

    def __str__(self):
        return self.name


class ComplexStatusChange(models.Model):
    """One move of a complex's lifecycle status, with who made it and why."""

    complex = models.ForeignKey(
        Complex, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("complex")
    )
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices)
    reason = models.TextField(_("reason"), max_length=REASON_MAX_LENGTH)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.complex_id}: {self.from_status or '∅'} → {self.to_status}"


class ProposalOutcome(models.TextChoices):
    PENDING = "pending", _("Awaiting the province's decision")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class StatusProposalQuerySet(ScopedQuerySet):
    scope_region = "complex__region__code"
    scope_complex = "complex_id"

    def pending(self):
        return self.filter(outcome=ProposalOutcome.PENDING)


class StatusProposal(models.Model):
    """A city or county official's proposal to put a complex into rectification or remove it;
    the province confirms it (the status changes) or dismisses it."""

    complex = models.ForeignKey(
        Complex,
        on_delete=models.CASCADE,
        related_name="status_proposals",
        verbose_name=_("complex"),
    )
    to_status = models.CharField(_("proposed status"), max_length=12, choices=Status.choices)
    reason = models.TextField(_("reason"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    outcome = models.CharField(
        _("outcome"),
        max_length=10,
        choices=ProposalOutcome.choices,
        default=ProposalOutcome.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = StatusProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("status change proposal")
        verbose_name_plural = _("status change proposals")
        ordering = ["-proposed_at", "-id"]

    def __str__(self):
        return f"{self.complex_id} → {self.to_status} ({self.outcome})"


class HearingQuerySet(ScopedQuerySet):
    scope_region = "complex__region__code"
    scope_complex = "complex_id"


@audited()
class RemovalHearing(models.Model):
    """The hearing the province holds before it removes a complex: the operator's statement
    heard, its date and outcome. A removal needs one recorded since the complex's last status
    change."""

    complex = models.ForeignKey(
        Complex, on_delete=models.CASCADE, related_name="hearings", verbose_name=_("complex")
    )
    held_on = models.DateField(_("hearing date"))
    outcome = models.TextField(_("outcome and statement"), max_length=REASON_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = HearingQuerySet.as_manager()

    class Meta:
        verbose_name = _("removal hearing")
        verbose_name_plural = _("removal hearings")
        ordering = ["-recorded_at", "-id"]

    def __str__(self):
        return f"{self.complex_id} · {self.held_on}"


class InstitutionType(models.TextChoices):
    INCUBATOR = "incubator", _("Incubator / maker space")
    IP_SERVICE = "ip_service", _("IP service agency")
    SME_PLATFORM = "sme_platform", _("SME public service platform")
    TESTING = "testing", _("Testing and inspection platform")
    UNIVERSITY = "university", _("Co-built university or institute")
    TECH_TRANSFER = "tech_transfer", _("Technology transfer agency")
    FINANCE = "finance", _("Venture capital / finance institution")
    DESIGN = "design", _("Design centre")
    ENTERPRISE_RD = "enterprise_rd", _("Enterprise research institute")
    OTHER_SERVICE = "other_service", _("Other innovation service institution")


class MemberQuerySet(ScopedQuerySet):
    scope_region = "complex__region__code"
    scope_complex = "complex_id"


def this_year() -> int:
    """The default of a record's starting year: entered now, it is there from this year on."""
    return timezone.localdate().year


# A record's years: none before the first complexes were planned (2010) or far in the future.
RECORD_YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


def _ends_after_start(record, start: str, end: str) -> dict:
    """The error of an end year before the start year, under the end field's name."""
    start_year, end_year = getattr(record, start), getattr(record, end)
    if start_year is not None and end_year is not None and end_year < start_year:
        field = record._meta.get_field(start)
        return {end: _("Cannot be before the %(field)s.") % {"field": field.verbose_name}}
    return {}


class DatedQuerySet(MemberQuerySet):
    """Records with a start and an optional end year (``start_field``, ``end_field``). The
    evaluation counts a record in a year when it is there at the year's end: started in or
    before the year and not ended by it (docs/EVALUATION.md)."""

    start_field = ""
    end_field = ""

    def as_of(self, year: int):
        return self.filter(
            Q(**{f"{self.end_field}__isnull": True}) | Q(**{f"{self.end_field}__gt": year}),
            **{f"{self.start_field}__lte": year},
        )


class InstitutionQuerySet(DatedQuerySet):
    start_field, end_field = "joined_year", "left_year"


class TalentTeamQuerySet(DatedQuerySet):
    start_field, end_field = "introduced_year", "dissolved_year"


class InstrumentQuerySet(DatedQuerySet):
    start_field, end_field = "shared_from_year", "retired_year"

    def shared_as_of(self, year: int, *, threshold: Decimal):
        """Instruments worth at least ``threshold`` that were open for sharing at the end of
        ``year``: acquired and opened for sharing by then, not retired by then."""
        return self.as_of(year).filter(acquired_year__lte=year, original_value__gte=threshold)


@audited()
class Institution(TimeStampedModel):
    """A member institution of a complex."""

    complex = models.ForeignKey(
        Complex, on_delete=models.CASCADE, related_name="institutions", verbose_name=_("complex")
    )
    name = models.CharField(_("name"), max_length=150)
    type = models.CharField(_("type"), max_length=16, choices=InstitutionType.choices)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    joined_year = models.PositiveSmallIntegerField(
        _("year joined"), default=this_year, validators=RECORD_YEAR_VALIDATORS
    )
    left_year = models.PositiveSmallIntegerField(
        _("year left"),
        null=True,
        blank=True,
        validators=RECORD_YEAR_VALIDATORS,
        help_text=_("Empty while it is a member. Not counted from this year on."),
    )
    description = models.TextField(_("description"), blank=True, max_length=DESCRIPTION_MAX_LENGTH)

    objects = InstitutionQuerySet.as_manager()

    def clean(self):
        self.credit_code = normalise_credit_code(self.credit_code)
        if errors := _ends_after_start(self, "joined_year", "left_year"):
            raise ValidationError(errors)

    class Meta:
        verbose_name = _("member institution")
        verbose_name_plural = _("member institutions")
        ordering = ["complex_id", "type", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complex", "credit_code"],
                condition=~Q(credit_code=""),
                name="institution_unique_credit_code_per_complex",
                violation_error_message=_("This complex already has a member with this code."),
            )
        ]

    def __str__(self):
        return self.name


@audited()
class SharedInstrument(TimeStampedModel):
    """A research instrument of the complex; those worth ≥ 500,000 CNY must be shared."""

    complex = models.ForeignKey(
        Complex, on_delete=models.CASCADE, related_name="instruments", verbose_name=_("complex")
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("owning institution"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instruments",
    )
    name = models.CharField(_("name"), max_length=150)
    original_value = models.DecimalField(
        _("original value (CNY)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    acquired_year = models.PositiveSmallIntegerField(
        _("year acquired"), default=this_year, validators=RECORD_YEAR_VALIDATORS
    )
    shared_from_year = models.PositiveSmallIntegerField(
        _("year opened for sharing"),
        null=True,
        blank=True,
        default=this_year,
        validators=RECORD_YEAR_VALIDATORS,
        help_text=_("Empty if it has never been open for sharing."),
    )
    retired_year = models.PositiveSmallIntegerField(
        _("year retired or withdrawn from sharing"),
        null=True,
        blank=True,
        validators=RECORD_YEAR_VALIDATORS,
        help_text=_("Empty while it is in use. Not counted from this year on."),
    )
    # Kept from the years: open now when opened for sharing and not retired (save()).
    open_for_sharing = models.BooleanField(_("open for sharing"), default=True, editable=False)

    objects = InstrumentQuerySet.as_manager()

    def clean(self):
        errors = {
            **_ends_after_start(self, "acquired_year", "shared_from_year"),
            **_ends_after_start(self, "shared_from_year", "retired_year"),
            **_ends_after_start(self, "acquired_year", "retired_year"),
        }
        if self.institution_id and self.institution.complex_id != self.complex_id:
            errors["institution"] = _("The owning institution must be a member of this complex.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.open_for_sharing = self.shared_from_year is not None and self.retired_year is None
        super().save(*args, **kwargs)

    class Meta:
        verbose_name = _("shared instrument")
        verbose_name_plural = _("shared instruments")
        ordering = ["complex_id", "-original_value", "id"]
        constraints = [
            models.CheckConstraint(
                name="instrument_value_not_negative", condition=Q(original_value__gte=0)
            )
        ]

    def __str__(self):
        return self.name


@audited()
class TalentTeam(TimeStampedModel):
    """A high-level talent team gathered by the complex."""

    complex = models.ForeignKey(
        Complex, on_delete=models.CASCADE, related_name="talent_teams", verbose_name=_("complex")
    )
    name = models.CharField(_("name"), max_length=150)
    leader = models.CharField(_("team leader"), max_length=50)
    field = models.CharField(_("field"), max_length=100, blank=True)
    size = models.PositiveSmallIntegerField(_("members"), default=1)
    introduced_year = models.PositiveSmallIntegerField(
        _("year formed"), default=this_year, validators=RECORD_YEAR_VALIDATORS
    )
    dissolved_year = models.PositiveSmallIntegerField(
        _("year dissolved"),
        null=True,
        blank=True,
        validators=RECORD_YEAR_VALIDATORS,
        help_text=_("Empty while the team works with the complex. Not counted from this year on."),
    )

    objects = TalentTeamQuerySet.as_manager()

    def clean(self):
        if errors := _ends_after_start(self, "introduced_year", "dissolved_year"):
            raise ValidationError(errors)

    class Meta:
        verbose_name = _("talent team")
        verbose_name_plural = _("talent teams")
        ordering = ["complex_id", "name", "id"]

    def __str__(self):
        return self.name
