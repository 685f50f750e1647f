"""Annual reports, the indicator catalogue, evaluation schemes, results and the jobs that
compute them."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from complexes.models import Category, Complex
from portal.audit import audited
from portal.limits import COMMENT_MAX_LENGTH, REASON_MAX_LENGTH
from portal.models import ScopedQuerySet, TimeStampedModel
from portal.uploads import private_upload_name

VALUE_DIGITS = {"max_digits": 18, "decimal_places": 2}
# The English unit of the indicators counted in CNY yuan.
MONEY_UNIT = "CNY"


class Dimension(models.TextChoices):
    RESOURCES = "resources", _("Resources gathered")
    SERVICES = "services", _("Service results")
    INDUSTRY = "industry", _("Industry support")
    ECOSYSTEM = "ecosystem", _("Ecosystem and finance")
    OPERATIONS = "operations", _("Operations")


class IndicatorSource(models.TextChoices):
    REPORTED = "reported", _("Reported by the operator")
    DERIVED = "derived", _("Derived from the portal's records")


class IndicatorQuerySet(models.QuerySet):
    def reported(self):
        return self.filter(source=IndicatorSource.REPORTED)

    def derived(self):
        return self.filter(source=IndicatorSource.DERIVED)


class Indicator(models.Model):
    """One measure of a complex's year; its name and unit are kept in Chinese and English."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=20)
    dimension = models.CharField(_("dimension"), max_length=12, choices=Dimension.choices)
    source = models.CharField(_("source"), max_length=10, choices=IndicatorSource.choices)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    whole_number = models.BooleanField(
        _("whole number"), default=True, help_text=_("Counts take whole numbers only.")
    )
    maximum = models.DecimalField(
        _("largest plausible value"), **VALUE_DIGITS, null=True, blank=True
    )
    counterpart = models.ForeignKey(
        "self",
        verbose_name=_("derived counterpart"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"source": IndicatorSource.DERIVED},
        help_text=_("The derived indicator a reported value should agree with."),
    )
    trace_url = models.CharField(
        _("where the counted records are"),
        max_length=200,
        blank=True,
        help_text=_("For derived indicators: a page path; {complex_code} is filled in."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    definition = models.TextField(
        _("definition"),
        blank=True,
        help_text=_(
            "What a reported figure covers; for a derived indicator, how the portal counts it."
        ),
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name

    @property
    def is_reported(self) -> bool:
        return self.source == IndicatorSource.REPORTED

    @property
    def is_money(self) -> bool:
        """An amount in CNY yuan (its English unit says so), which the API shows as a decimal
        string like every other amount."""
        return self.unit_en == MONEY_UNIT

    def trace_url_for(self, complex_code: str) -> str:
        return self.trace_url.format(complex_code=complex_code) if self.trace_url else ""


def default_lock_grace_days() -> int:
    return settings.REPORT_LOCK_GRACE_DAYS


class ReportingPeriod(TimeStampedModel):
    """A year officials have opened for annual reports, with its deadline. Drafts and returned
    reports lock ``grace_days`` after the deadline (evaluation/report_lock.py)."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2017), MaxValueValidator(2100)]
    )
    deadline = models.DateField(_("deadline"))
    grace_days = models.PositiveSmallIntegerField(
        _("grace period (days)"),
        default=default_lock_grace_days,
        validators=[MaxValueValidator(365)],
        help_text=_(
            "Days after the deadline until drafts and returned reports lock; the province may "
            "reopen one report after that."
        ),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class ReminderKind(models.TextChoices):
    DAYS_14 = "14", _("14 days before the deadline")
    DAYS_3 = "3", _("3 days before the deadline")
    DAY_0 = "0", _("On the deadline")
    OVERDUE = "overdue", _("Overdue")
    LATE = "late", _("Reminded by an official")


class ReportReminder(models.Model):
    """A reminder sent to a complex's operators; one of each scheduled kind per complex and
    year, and at most one an official sends (``late``) per complex and day."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reminders")
    complex = models.ForeignKey(Complex, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    sent_on = models.DateField(_("sent on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "complex", "kind"],
                condition=~Q(kind="late"),
                name="one_reminder_per_kind",
            ),
            models.UniqueConstraint(
                fields=["period", "complex", "sent_on"],
                condition=Q(kind="late"),
                name="one_late_reminder_per_day",
            ),
        ]

    def __str__(self):
        return f"{self.complex_id} · {self.period_id} · {self.kind}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


REPORT_BADGES = {
    ReportStatus.DRAFT: "text-bg-secondary",
    ReportStatus.SUBMITTED: "text-bg-primary",
    ReportStatus.RETURNED: "text-bg-warning",
    ReportStatus.APPROVED: "text-bg-success",
}


class Recommendation(models.TextChoices):
    NONE = "", _("Not pre-reviewed")
    RECOMMEND = "recommend", _("Recommended for approval")
    NOT_RECOMMEND = "not_recommend", _("Not recommended")


class ReportQuerySet(ScopedQuerySet):
    scope_region = "complex__region__code"
    scope_complex = "complex_id"


@audited(related_name="changes")
class AnnualReport(TimeStampedModel):
    """A complex's report on one year: reported values, its review and its versions."""

    complex = models.ForeignKey(
        Complex, on_delete=models.CASCADE, related_name="reports", verbose_name=_("complex")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2017), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    return_reason = models.TextField(
        _("reason for return"), blank=True, max_length=REASON_MAX_LENGTH
    )
    recommendation = models.CharField(
        _("city pre-review"), max_length=16, choices=Recommendation.choices, blank=True
    )
    review_comment = models.TextField(
        _("pre-review comment"), blank=True, max_length=REASON_MAX_LENGTH
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pre-reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reopened_until = models.DateField(
        _("reopened until"),
        null=True,
        blank=True,
        help_text=_("The province reopened this report after the lock, until this date."),
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year", "complex__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["complex", "year"],
                name="one_report_per_complex_and_year",
                violation_error_message=_("This complex already has a report for this year."),
            )
        ]
        indexes = [models.Index(fields=["year", "status"], name="report_year_status")]

    def __str__(self):
        return f"{self.complex} · {self.year}"

    @property
    def badge(self) -> str:
        """The Bootstrap colour of the status badge."""
        return REPORT_BADGES[self.status]


@audited()
class ReportValue(models.Model):
    """One reported indicator value, with the operator's comment on any warning it raises."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("value"), **VALUE_DIGITS)
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX_LENGTH)

    class Meta:
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="one_value_per_indicator"),
            models.CheckConstraint(name="reported_value_not_negative", condition=Q(value__gte=0)),
        ]

    def __str__(self):
        return f"{self.indicator_id}: {self.value}"


class ReportVersion(models.Model):
    """What the operator submitted, kept each time so versions can be compared."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("submission"))
    values = models.JSONField(_("values"), default=dict)
    comments = models.JSONField(_("comments"), default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["report_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="one_version_per_number")
        ]

    def __str__(self):
        return f"{self.report_id} #{self.number}"


class ReportAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    PRE_REVIEW = "pre_review", _("Pre-reviewed")
    RETURN = "return", _("Returned")
    APPROVE = "approve", _("Approved")
    REOPEN = "reopen", _("Reopened after the lock")


class ReportEvent(models.Model):
    """The review trail of a report: who did what, when, and why."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=ReportAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["report_id", "at", "id"]

    def __str__(self):
        return f"{self.report_id}: {self.action}"


class DerivedValue(models.Model):
    """An indicator computed from the portal's own records, refreshed by the nightly job."""

    complex = models.ForeignKey(Complex, on_delete=models.CASCADE, related_name="derived_values")
    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("value"), **VALUE_DIGITS)

    class Meta:
        verbose_name = _("derived value")
        verbose_name_plural = _("derived values")
        constraints = [
            models.UniqueConstraint(
                fields=["complex", "year", "indicator"], name="one_derived_value_per_indicator"
            )
        ]
        indexes = [models.Index(fields=["year", "indicator"], name="derived_year_indicator")]

    def __str__(self):
        return f"{self.complex_id} · {self.year} · {self.indicator_id}: {self.value}"


class Normalization(models.TextChoices):
    RATIO_TO_BEST = "ratio_to_best", _("Ratio to the category's best")
    MIN_MAX = "min_max", _("Min–max")


# The notes of the schemes the migrations ship, as written there: pages pass every note through
# the catalogue, so shipped notes reach each reader in their language while notes officials
# write show as written.
SHIPPED_SCHEME_NOTES = (
    gettext_noop("Default scheme shipped with the portal (docs/EVALUATION.md)."),
)


@audited()
class EvaluationScheme(models.Model):
    """Weights, normalisation, grade thresholds and bonus/penalty items for one category,
    applying from ``year`` on until a later scheme supersedes it. Frozen once published."""

    year = models.PositiveSmallIntegerField(
        _("applies from year"), validators=[MinValueValidator(2017), MaxValueValidator(2100)]
    )
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    normalization = models.CharField(
        _("normalisation"),
        max_length=16,
        choices=Normalization.choices,
        default=Normalization.RATIO_TO_BEST,
    )
    floor = models.DecimalField(
        _("base share"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_(
            "The share of an indicator's weight that any reported value earns; the rest is "
            "earned in proportion to the normalised value."
        ),
    )
    excellent_from = models.DecimalField(
        _("excellent from"), max_digits=5, decimal_places=2, default=Decimal("85")
    )
    good_from = models.DecimalField(
        _("good from"), max_digits=5, decimal_places=2, default=Decimal("75")
    )
    pass_from = models.DecimalField(
        _("pass from"), max_digits=5, decimal_places=2, default=Decimal("60")
    )
    # The two halves of a score (docs/EVALUATION.md, "Data and experts").
    data_weight = models.DecimalField(
        _("weight of the data score"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.40"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_(
            "The final score is the data score × this weight + the expert score × (1 − it)."
        ),
    )
    experts_per_complex = models.PositiveSmallIntegerField(
        _("experts per complex"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("How many experts review each complex of the category."),
    )
    excellent_quota_percent = models.DecimalField(
        _("excellent quota (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        default=Decimal("15"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_(
            "At most this share of a category's complexes is graded excellent (rounded down, "
            "at least one); the next ones are good. Blank: no quota."
        ),
    )
    rectification_days = models.PositiveSmallIntegerField(
        _("rectification days"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text=_(
            "Days a failed complex has to rectify before its re-check. Blank: the portal's default."
        ),
    )
    missing_report_fails = models.BooleanField(
        _("a missing report is a fail"),
        default=True,
        help_text=_(
            "A complex expected to report that has no approved report when the year locks is "
            "graded fail with a score of 0."
        ),
    )
    notes = models.TextField(_("notes"), blank=True, max_length=REASON_MAX_LENGTH)
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        ordering = ["category", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "category", "version"], name="one_scheme_per_version"
            ),
            models.CheckConstraint(
                name="grade_thresholds_ordered",
                condition=Q(pass_from__lte=models.F("good_from"))
                & Q(good_from__lte=models.F("excellent_from"))
                & Q(pass_from__gte=0)
                & Q(excellent_from__lte=100),
            ),
            models.CheckConstraint(
                name="data_weight_between_0_and_1",
                condition=Q(data_weight__gte=0, data_weight__lte=1),
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.year} v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.published_at is not None

    @property
    def rectification_period(self) -> int:
        """The days a failed complex has to rectify under this scheme."""
        return self.rectification_days or settings.EVALUATION_RECTIFICATION_DAYS

    # Two fails in a row propose removal (docs/EVALUATION.md); shown with the grading rules.
    consecutive_fails_to_removal = 2


@audited()
class SchemeWeight(models.Model):
    scheme = models.ForeignKey(EvaluationScheme, on_delete=models.CASCADE, related_name="weights")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        verbose_name = _("indicator weight")
        verbose_name_plural = _("indicator weights")
        ordering = ["scheme_id", "indicator__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "indicator"], name="one_weight_per_indicator"
            ),
            models.CheckConstraint(name="weight_positive", condition=Q(weight__gt=0)),
        ]

    def __str__(self):
        return f"{self.indicator_id}: {self.weight}"


@audited()
class AdjustmentItem(models.Model):
    """A bonus (positive points) or penalty (negative points) item of a scheme."""

    scheme = models.ForeignKey(
        EvaluationScheme, on_delete=models.CASCADE, related_name="adjustment_items"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    points = models.DecimalField(
        _("points"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("-20")), MaxValueValidator(Decimal("20"))],
    )

    class Meta:
        verbose_name = _("bonus or penalty item")
        verbose_name_plural = _("bonus and penalty items")
        ordering = ["scheme_id", "-points", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="one_item_per_code"),
        ]

    def __str__(self):
        return self.name


class AdjustmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting the province's decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


ADJUSTMENT_BADGES = {
    AdjustmentStatus.PROPOSED: "text-bg-primary",
    AdjustmentStatus.APPROVED: "text-bg-success",
    AdjustmentStatus.REJECTED: "text-bg-danger",
    AdjustmentStatus.WITHDRAWN: "text-bg-secondary",
}
# The statuses that hold an item for a complex's year: it cannot be proposed again meanwhile.
OPEN_ADJUSTMENT_STATUSES = (AdjustmentStatus.PROPOSED, AdjustmentStatus.APPROVED)


class AdjustmentQuerySet(ScopedQuerySet):
    scope_region = "complex__region__code"
    scope_complex = "complex_id"

    def approved(self):
        """The adjustments that count in scores."""
        return self.filter(status=AdjustmentStatus.APPROVED)


def evidence_path(instance, filename: str) -> str:
    return private_upload_name("adjustment-evidence", filename)


@audited()
class Adjustment(models.Model):
    """A bonus or penalty item (加减分) of the year's scheme for a complex's year, as a workflow
    (``evaluation/adjustment_workflow.py``): a city or county official proposes it with a
    reason and evidence, the province approves or rejects it with a note, and the proposer or
    the province may withdraw it until the year is published. Only approved ones count."""

    complex = models.ForeignKey(
        Complex, on_delete=models.CASCADE, related_name="adjustments", verbose_name=_("complex")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2017), MaxValueValidator(2100)]
    )
    item_code = models.SlugField(_("item"), max_length=40)
    reason = models.TextField(_("reason"), max_length=REASON_MAX_LENGTH)
    evidence = models.FileField(_("evidence"), upload_to=evidence_path, blank=True, max_length=200)
    evidence_name = models.CharField(_("evidence file name"), max_length=150, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AdjustmentStatus.choices,
        default=AdjustmentStatus.PROPOSED,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True, max_length=REASON_MAX_LENGTH)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = AdjustmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("bonus or penalty")
        verbose_name_plural = _("bonuses and penalties")
        ordering = ["-year", "-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complex", "year", "item_code"],
                condition=Q(status__in=OPEN_ADJUSTMENT_STATUSES),
                name="one_open_adjustment_per_item",
                violation_error_message=_(
                    "This item is already proposed or approved for this complex and year."
                ),
            )
        ]
        indexes = [models.Index(fields=["year", "status"], name="adjustment_year_status")]

    def __str__(self):
        return f"{self.complex_id} · {self.year} · {self.item_code} ({self.status})"

    @property
    def badge(self) -> str:
        return ADJUSTMENT_BADGES[self.status]


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


GRADE_BADGES = {
    Grade.EXCELLENT: "text-bg-success",
    Grade.GOOD: "text-bg-primary",
    Grade.PASS: "text-bg-secondary",
    Grade.FAIL: "text-bg-danger",
}


class RevisionStatus(models.TextChoices):
    """Where a revision of a year's results stands (docs/EVALUATION.md, "Published means
    frozen"): computed as a draft, published by the province, later superseded by another
    published revision of the year, or discarded unpublished."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")
    DISCARDED = "discarded", _("Discarded")


class RunQuerySet(models.QuerySet):
    def standing(self, *, year: int) -> "EvaluationRun | None":
        """The revision the year stands by: the published one, else the draft."""
        return (
            self.filter(year=year, status__in=(RevisionStatus.PUBLISHED, RevisionStatus.DRAFT))
            .order_by(models.Case(models.When(status=RevisionStatus.PUBLISHED, then=0), default=1))
            .first()
        )


class EvaluationRun(models.Model):
    """One revision of a year's results and the inputs it was computed from. A year has at most
    one draft revision, which recomputations rewrite in place, and at most one published
    revision, which nothing rewrites: recomputing a published year makes or rewrites the draft
    beside it, which the province then publishes or discards."""

    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("revision"))
    status = models.CharField(
        _("status"), max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.DRAFT
    )
    computed_at = models.DateTimeField(_("computed at"))
    job = models.ForeignKey(
        "portal.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    schemes = models.ManyToManyField(EvaluationScheme, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published or discarded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("published or discarded at"), null=True, blank=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = _("revision of a year's results")
        verbose_name_plural = _("revisions of a year's results")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="one_run_per_number"),
            models.UniqueConstraint(
                fields=["year"], condition=Q(status="draft"), name="one_draft_run_per_year"
            ),
            models.UniqueConstraint(
                fields=["year"], condition=Q(status="published"), name="one_published_run_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.year} #{self.number} ({self.status})"


class RunInput(models.Model):
    """A value a revision scored: one per complex and indicator, reported or derived, as it was
    when the revision was computed. ``verify_year`` scores them again."""

    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="inputs")
    complex = models.ForeignKey(Complex, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("value"), **VALUE_DIGITS)

    class Meta:
        verbose_name = _("scored input")
        verbose_name_plural = _("scored inputs")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "complex", "indicator"], name="one_input_per_indicator"
            )
        ]

    def __str__(self):
        return f"{self.run_id} · {self.complex_id} · {self.indicator_id}: {self.value}"


class EvaluationQuerySet(ScopedQuerySet):
    scope_region = "complex__region__code"
    scope_complex = "complex_id"

    def shown(self):
        """The results a year stands by: its published revision, or its draft while nothing of
        the year is published. Everything that reads results as the year's (pages, exports,
        the dashboard, funding) reads these."""
        published_years = EvaluationRun.objects.filter(status=RevisionStatus.PUBLISHED).values(
            "year"
        )
        return self.filter(
            Q(status=RevisionStatus.PUBLISHED)
            | Q(status=RevisionStatus.DRAFT) & ~Q(year__in=published_years)
        )

    def drafts(self):
        return self.filter(status=RevisionStatus.DRAFT)

    def with_ranked_of(self):
        """Annotate ``ranked_of``: how many complexes were ranked in the result's category in
        its revision of the year, whatever filters narrow this queryset, so a rank reads
        "30 / 33"."""
        peers = (
            Evaluation.objects.filter(
                run=models.OuterRef("run"), category=models.OuterRef("category")
            )
            .order_by()
            # Grouped and counted by what the index (run, category) holds: an index-only scan.
            .values("run")
            .annotate(n=models.Count("*"))
            .values("n")
        )
        return self.annotate(ranked_of=models.Subquery(peers))


class Evaluation(models.Model):
    """A complex's result for a year in one revision (``run``). A draft revision's rows are
    replaced in place by each recomputation, keyed by (run, complex), so running it twice gives
    identical rows; a published revision's rows never change."""

    run = models.ForeignKey(
        EvaluationRun, on_delete=models.CASCADE, related_name="results", verbose_name=_("revision")
    )
    # The run's status, kept on each row so that reading the year's results takes no join.
    status = models.CharField(
        _("status"), max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.DRAFT
    )
    complex = models.ForeignKey(
        Complex, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("complex")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    scheme = models.ForeignKey(
        EvaluationScheme, on_delete=models.PROTECT, related_name="evaluations"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"))
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    breakdown = models.JSONField(_("breakdown"), default=list)
    # The bonus and penalty points scored (an input, with category and scheme, of the result).
    adjustment = models.DecimalField(
        _("bonus and penalty points"), max_digits=6, decimal_places=2, default=Decimal(0)
    )
    # The two halves of the score: the data score from the indicators, and the expert score
    # (an input frozen with the revision, like ``adjustment``: None when no expert review was
    # submitted, and the data score stands alone).
    data_score = models.DecimalField(
        _("data score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    expert_score = models.DecimalField(
        _("expert score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    # Set on a fail for want of a report (evaluation/missing_reports.py): the lock date by
    # which no report was approved.
    missing_report_by = models.DateField(_("no report by"), null=True, blank=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation result")
        verbose_name_plural = _("evaluation results")
        ordering = ["year", "category", "rank", "complex_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "complex"], name="one_result_per_run"),
            models.CheckConstraint(
                name="score_between_0_and_100", condition=Q(score__gte=0, score__lte=100)
            ),
            models.CheckConstraint(name="rank_from_1", condition=Q(rank__gte=1)),
        ]
        indexes = [
            models.Index(fields=["year", "category", "rank"], name="evaluation_ranking"),
            models.Index(fields=["year", "status"], name="evaluation_year_status"),
            # The peers a rank reads "n / N" against (``with_ranked_of``), counted from the index.
            models.Index(fields=["run", "category"], name="evaluation_run_category"),
        ]

    def __str__(self):
        return f"{self.complex_id} · {self.year}: {self.score}"

    @property
    def is_draft(self) -> bool:
        return self.status == RevisionStatus.DRAFT

    @property
    def missing_report_reason(self) -> str:
        """Why a result without a report is a fail, in the reader's language ("" otherwise)."""
        if self.missing_report_by is None:
            return ""
        return _("No report by the lock date %(date)s: counted as a fail.") % {
            "date": self.missing_report_by.isoformat()
        }

    @property
    def badge(self) -> str:
        return GRADE_BADGES[self.grade]


class Publication(models.Model):
    """When a year's results were last computed, by which job and from which schemes."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    computed_at = models.DateTimeField(_("last computed"))
    job = models.ForeignKey("portal.Job", on_delete=models.SET_NULL, null=True, blank=True)
    schemes = models.ManyToManyField(EvaluationScheme, related_name="+")

    class Meta:
        verbose_name = _("published year")
        verbose_name_plural = _("published years")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class ManagementKind(models.TextChoices):
    RECTIFY = "rectify", _("Put into rectification")
    PROPOSE_REMOVAL = "propose_removal", _("Removal proposed")
    RESTORE = "restore", _("Restored to operating")


class ProposalStatus(models.TextChoices):
    NONE = "", _("Done")
    PENDING = "pending", _("Awaiting an official's decision")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class RecheckOutcome(models.TextChoices):
    PENDING = "", _("Awaiting the re-check")
    PASSED = "passed", _("Passed: back to operating")
    FAILED = "failed", _("Failed: removal proposed")


class ManagementQuerySet(ScopedQuerySet):
    scope_region = "complex__region__code"
    scope_complex = "complex_id"


@audited()
class ManagementDecision(models.Model):
    """What a year's grade did to a complex's status (动态管理); at most one per kind and year."""

    complex = models.ForeignKey(Complex, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("decision"), max_length=16, choices=ManagementKind.choices)
    reason = models.TextField(_("reason"), max_length=REASON_MAX_LENGTH)
    deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    proposal_status = models.CharField(
        _("proposal"), max_length=10, choices=ProposalStatus.choices, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    recheck_outcome = models.CharField(
        _("re-check"), max_length=8, choices=RecheckOutcome.choices, blank=True
    )
    recheck_on = models.DateField(_("re-checked on"), null=True, blank=True)
    recheck_note = models.TextField(_("re-check note"), blank=True, max_length=REASON_MAX_LENGTH)
    recheck_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("re-checked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ManagementQuerySet.as_manager()

    class Meta:
        verbose_name = _("dynamic management decision")
        verbose_name_plural = _("dynamic management decisions")
        ordering = ["-year", "complex_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["complex", "year", "kind"], name="one_decision_per_kind_and_year"
            )
        ]

    def __str__(self):
        return f"{self.complex_id} · {self.year} · {self.kind}"


class JobKind(models.TextChoices):
    """The evaluation's kinds of background job (portal.models.Job, registered in apps.py)."""

    RECOMPUTE = "recompute", _("Recompute the evaluation")


# Expert review: the second half of the score (docs/EVALUATION.md, "Data and experts") ----------


@audited()
class RubricItem(models.Model):
    """One item of a scheme's expert rubric: the points an expert gives it run from 0 to
    ``maximum``; the maxima of a scheme's items sum to 100."""

    scheme = models.ForeignKey(
        EvaluationScheme, on_delete=models.CASCADE, related_name="rubric_items"
    )
    name = models.CharField(_("name"), max_length=100)
    maximum = models.DecimalField(
        _("maximum points"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("rubric item")
        verbose_name_plural = _("rubric items")
        ordering = ["scheme_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                name="rubric_maximum_positive", condition=Q(maximum__gt=0, maximum__lte=100)
            ),
        ]

    def __str__(self):
        return self.name


# The rubric the migrations ship with the default schemes, as written there (pages translate it).
SHIPPED_RUBRIC = (
    (gettext_noop("Construction and operating mechanism"), Decimal(20)),
    (gettext_noop("Services to enterprises and their quality"), Decimal(30)),
    (gettext_noop("Support to the industry cluster"), Decimal(30)),
    (gettext_noop("Innovation resources and team"), Decimal(20)),
)


class ExpertQuerySet(ScopedQuerySet):
    scope_expert = "user_id"

    def active(self):
        return self.filter(user__is_active=True)


@audited()
class Expert(models.Model):
    """A member of the province's expert pool, signing in with ``user`` (role expert). The
    conflict rule compares ``city`` and ``organisation`` with a complex's city and host unit."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="expert_profile",
    )
    name = models.CharField(_("name"), max_length=50)
    expertise = models.CharField(_("field of expertise"), max_length=100)
    organisation = models.CharField(_("organisation"), max_length=150)
    city = models.ForeignKey(
        "complexes.Region",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "city"},
    )

    objects = ExpertQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.user.is_active


class AssignmentQuerySet(ScopedQuerySet):
    scope_expert = "expert__user_id"


@audited()
class ExpertAssignment(models.Model):
    """An expert reviews a complex's year. ``expert_city`` and ``complex_city`` are copied from
    the records when the province assigns, so that the database refuses an expert of the
    complex's own city even if a service forgot to (the host-unit rule is the service's)."""

    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="assignments"
    )
    complex = models.ForeignKey(
        Complex,
        verbose_name=_("complex"),
        on_delete=models.CASCADE,
        related_name="expert_assignments",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    expert_city = models.CharField(max_length=6, editable=False)
    complex_city = models.CharField(max_length=6, editable=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert assignment")
        verbose_name_plural = _("expert assignments")
        ordering = ["year", "complex_id", "expert_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "complex", "year"], name="one_assignment_per_expert"
            ),
            models.CheckConstraint(
                name="expert_not_of_the_complex_city",
                condition=~Q(expert_city=models.F("complex_city")),
            ),
        ]
        indexes = [models.Index(fields=["year", "complex"], name="assignment_year_complex")]

    def __str__(self):
        return f"{self.expert} → {self.complex_id} · {self.year}"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ReviewQuerySet(ScopedQuerySet):
    scope_expert = "assignment__expert__user_id"

    def submitted(self):
        return self.filter(status=ReviewStatus.SUBMITTED)


@audited()
class ExpertReview(models.Model):
    """An expert's review of an assigned complex's year: points per rubric item with a comment,
    saved as a draft and then submitted, after which it is locked
    (``evaluation/expert_review.py``)."""

    assignment = models.OneToOneField(
        ExpertAssignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="review",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    total = models.DecimalField(_("total"), max_digits=5, decimal_places=2, default=Decimal(0))
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert review")
        verbose_name_plural = _("expert reviews")
        ordering = ["assignment_id"]
        constraints = [
            models.CheckConstraint(
                name="review_total_between_0_and_100", condition=Q(total__gte=0, total__lte=100)
            ),
        ]

    def __str__(self):
        return str(self.assignment)

    @property
    def is_locked(self) -> bool:
        return self.status == ReviewStatus.SUBMITTED


@audited()
class ReviewScore(models.Model):
    """The points an expert gives one rubric item, with a comment."""

    review = models.ForeignKey(ExpertReview, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(RubricItem, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX_LENGTH)

    class Meta:
        verbose_name = _("rubric score")
        verbose_name_plural = _("rubric scores")
        ordering = ["review_id", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="one_score_per_item"),
            models.CheckConstraint(name="review_points_not_negative", condition=Q(points__gte=0)),
        ]

    def __str__(self):
        return f"{self.item_id}: {self.points}"
