from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from complexes.models import Complex, Level, Status
from evaluation.models import Grade
from portal.audit import audited
from portal.limits import REASON_MAX_LENGTH
from portal.models import Job, ScopedQuerySet

ZERO = Decimal("0.00")


def money_field(verbose_name, **kwargs):
    kwargs.setdefault("validators", [MinValueValidator(ZERO)])
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


def factor_field(verbose_name, default, **kwargs):
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(ZERO)],
        **kwargs,
    )


def default_eligible_levels():
    return [Level.PROVINCIAL.value]


def default_eligible_statuses():
    return [Status.OPERATING.value, Status.CONSTRUCTING.value]


# The note of the rule set the migrations ship, as written there (see SHIPPED_SCHEME_NOTES in
# evaluation.models).
SHIPPED_RULE_NOTES = (
    gettext_noop(
        "Documented defaults (docs/FUNDING.md): pool 2,600,000,000.00; provincial complexes "
        "operating or in construction; ex-ante 20,000,000.00; floor 20,000,000.00; cap "
        "70,000,000.00; multipliers excellent 1.20, good 1.00, pass 0.80, fail 0; local match 1:1; "
        "host investment at least province + city/county."
    ),
)


class RuleSetQuerySet(models.QuerySet):
    def defaults(self):
        """The documented defaults (no year), newest version first."""
        return self.filter(year__isnull=True).order_by("-version")

    def for_year(self, year: int):
        """The versions that apply to ``year``: its own, newest first, else the defaults."""
        own = self.filter(year=year).order_by("-version")
        return own if own.exists() else self.defaults()


@audited()
class RuleSet(models.Model):
    """The funding rules of one year (or, without a year, the documented defaults).

    Rule sets are versioned: a change makes a new version and the old one stays, so every
    allocation keeps pointing at the exact rules that produced it.
    """

    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, help_text=_("Empty: the defaults for every year.")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    pool = money_field(_("provincial pool (CNY)"), default=Decimal("2600000000.00"))
    eligible_levels = ArrayField(
        models.CharField(max_length=12, choices=Level.choices),
        verbose_name=_("eligible levels"),
        default=default_eligible_levels,
    )
    eligible_statuses = ArrayField(
        models.CharField(max_length=12, choices=Status.choices),
        verbose_name=_("eligible statuses"),
        default=default_eligible_statuses,
    )
    ex_ante_amount = money_field(
        _("ex-ante support per complex in construction (CNY)"),
        default=Decimal("20000000.00"),
    )
    floor = money_field(_("floor per complex (CNY)"), default=Decimal("20000000.00"))
    cap = money_field(_("cap per complex (CNY)"), default=Decimal("70000000.00"))
    multiplier_excellent = factor_field(_("multiplier: excellent"), "1.20")
    multiplier_good = factor_field(_("multiplier: good"), "1.00")
    multiplier_pass = factor_field(_("multiplier: pass"), "0.80")
    multiplier_fail = factor_field(_("multiplier: fail"), "0.00")
    local_match_ratio = factor_field(
        _("local match per yuan of provincial money"),
        "1.00",
        help_text=_("1.00 means the city/county must match at least 1:1."),
    )
    host_investment_ratio = factor_field(
        _("host investment per yuan of province + city/county money"),
        "1.00",
        help_text=_("1.00 means the host unit invests at least province + city/county."),
    )
    note = models.TextField(_("note"), blank=True, max_length=REASON_MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding rule set")
        verbose_name_plural = _("funding rule sets")
        ordering = [F("year").desc(nulls_last=True), "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "version"], name="ruleset_unique_version", nulls_distinct=False
            ),
            models.CheckConstraint(
                name="ruleset_floor_within_cap",
                condition=Q(floor__lte=F("cap")),
                violation_error_message=_("The floor cannot be above the cap."),
            ),
            models.CheckConstraint(
                name="ruleset_amounts_not_negative",
                condition=Q(pool__gte=0, floor__gte=0, cap__gte=0, ex_ante_amount__gte=0),
            ),
            models.CheckConstraint(
                name="ruleset_factors_not_negative",
                condition=Q(
                    multiplier_excellent__gte=0,
                    multiplier_good__gte=0,
                    multiplier_pass__gte=0,
                    multiplier_fail__gte=0,
                    local_match_ratio__gte=0,
                    host_investment_ratio__gte=0,
                ),
            ),
        ]

    def __str__(self):
        year = self.year if self.year is not None else _("defaults")
        return f"{year} v{self.version}"

    @property
    def multipliers(self) -> dict[str, Decimal]:
        return {grade: getattr(self, f"multiplier_{grade}") for grade in Grade.values}


class DecisionQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(replaced_by__isnull=True)


@audited()
class AllocationDecision(models.Model):
    """A provincial official's decision to publish a year's allocations, recorded for audit.

    A decision can only be replaced by a newer one that says why (``replaces``).
    """

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="decisions"
    )
    evaluation_run = models.ForeignKey(
        Job,
        verbose_name=_("evaluation run"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    evaluated_at = models.DateTimeField(_("results computed at"), null=True, blank=True)
    pool = money_field(_("pool (CNY)"))
    total = money_field(_("allocated (CNY)"))
    unallocated = money_field(_("unallocated (CNY)"))
    reason = models.TextField(_("reason"), blank=True, max_length=REASON_MAX_LENGTH)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    # The decision document (决定): its number (文号) from FUNDING_DECISION_NUMBER_PATTERN with
    # the sequence within the year of issue, and the approver's name as it was on that day.
    number = models.CharField(_("document number"), max_length=60, unique=True)
    sequence = models.PositiveIntegerField(_("sequence in the year of issue"))
    approver_name = models.CharField(_("approver"), max_length=150, blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("allocation decision")
        verbose_name_plural = _("allocation decisions")
        ordering = ["-year", "-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="decision_replacement_has_reason",
                condition=Q(replaces__isnull=True) | ~Q(reason=""),
            ),
        ]

    def __str__(self):
        return f"{self.year} · {self.decided_at:%Y-%m-%d %H:%M}"


class AllocationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class AllocationKind(models.TextChoices):
    EX_ANTE = "ex_ante", _("Ex-ante support")
    EX_POST = "ex_post", _("Support by results")
    NONE = "none", _("Not funded")


class AllocationQuerySet(ScopedQuerySet):
    scope_region = "complex__region__code"
    scope_complex = "complex_id"

    def drafts(self):
        return self.filter(status=AllocationStatus.DRAFT)

    def published(self):
        return self.filter(status=AllocationStatus.PUBLISHED)


@audited()
class Allocation(models.Model):
    """One complex's provincial funding for a year and the matching it calls for.

    Drafts are recomputed freely; a published row is frozen (a database trigger refuses any
    change to its decision columns) until a new decision supersedes it. The reported matching
    and the compliance flag follow the approved annual report and may change on any row.
    """

    complex = models.ForeignKey(
        Complex, verbose_name=_("complex"), on_delete=models.CASCADE, related_name="allocations"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AllocationStatus.choices,
        default=AllocationStatus.DRAFT,
    )
    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="allocations"
    )
    decision = models.ForeignKey(
        AllocationDecision,
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
    )
    evaluation_run = models.ForeignKey(
        Job,
        verbose_name=_("evaluation run"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    evaluated_at = models.DateTimeField(_("results computed at"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=AllocationKind.choices)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    capped = models.BooleanField(_("cut to the cap"), default=False)
    provincial_amount = money_field(_("provincial amount (CNY)"))
    required_local_match = money_field(_("required city/county match (CNY)"))
    required_host_investment = money_field(_("required host investment (CNY)"))
    reported_local_match = money_field(_("reported city/county match (CNY)"), null=True, blank=True)
    reported_host_investment = money_field(
        _("reported host investment (CNY)"), null=True, blank=True
    )
    compliant = models.BooleanField(_("matching compliant"), default=False)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["year", "complex_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complex", "year"],
                condition=Q(status="draft"),
                name="allocation_one_draft_per_complex_year",
            ),
            models.UniqueConstraint(
                fields=["complex", "year"],
                condition=Q(status="published"),
                name="allocation_one_published_per_complex_year",
            ),
            models.CheckConstraint(
                name="allocation_published_has_decision",
                condition=Q(status="draft") | Q(decision__isnull=False),
            ),
            models.CheckConstraint(
                name="allocation_amounts_not_negative",
                condition=Q(
                    provincial_amount__gte=0,
                    required_local_match__gte=0,
                    required_host_investment__gte=0,
                ),
            ),
        ]
        indexes = [models.Index(fields=["year", "status"], name="allocation_year_status")]

    def __str__(self):
        return f"{self.complex_id} · {self.year} · {self.provincial_amount}"

    @property
    def local_shortfall(self) -> Decimal:
        return max(self.required_local_match - (self.reported_local_match or ZERO), ZERO)

    @property
    def host_shortfall(self) -> Decimal:
        return max(self.required_host_investment - (self.reported_host_investment or ZERO), ZERO)
