"""Shared model building blocks (timestamps, the one scoping mechanism) and the background
jobs of every kind."""

import functools
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _

from portal import policy

from .job_kinds import JOB_KINDS


def correlated_count(
    queryset: models.QuerySet, field: str = "pk", *, distinct: bool = False
) -> Coalesce:
    """How many rows of ``queryset`` belong to the outer row's complex (0 if none): a
    subquery per outer row, so that counting several relations needs no join between them."""
    counted = (
        queryset.filter(complex=models.OuterRef("pk"))
        .order_by()
        .values("complex")
        .annotate(n=models.Count(field, distinct=distinct))
        .values("n")
    )
    return Coalesce(models.Subquery(counted), 0, output_field=models.IntegerField())


@functools.cache
def _choice_labels(field: models.Field) -> dict:
    # Fields live as long as the process, and their choices are fixed (no callable choices).
    return dict(make_hashable(field.flatchoices))


class QuickChoiceLabels(models.Model):
    """``get_<field>_display`` from each field's choices read once: Django builds the dict of a
    field's choices at every call (0.1 ms, most of it hashing lazily translated labels), a
    tenth of a list page's time when each row shows a status. The labels stay lazy, so each
    is translated in the reader's language."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        label = _choice_labels(field).get(make_hashable(value), value)
        return force_str(label, strings_only=True)


class TimeStampedModel(QuickChoiceLabels):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ScopedQuerySet(models.QuerySet):
    """Rows a user may see privately or act on, as ``portal.policy`` decides by action.

    A model's queryset names how its rows reach the three anchors of scope:
    ``scope_region`` (lookup to the region code, for officials: their whole subtree),
    ``scope_complex`` (lookup to the complex id, for operators) and ``scope_enterprise``
    (lookup to the enterprise id, for enterprise users), ``scope_expert`` (lookup to the
    account id of the expert whose assignment the row belongs to). An anchor left as ``None`` means no
    scope but "all" reaches these rows. Public reads do not go through here.
    """

    scope_region: str | None = None
    scope_complex: str | None = None
    scope_enterprise: str | None = None
    scope_expert: str | None = None

    def scope_condition(self, user, action: str = "view") -> models.Q | None:
        """The condition on the rows on which ``user`` may do ``action`` (``portal.policy``):
        ``Q()`` for every row, ``None`` for none."""
        return policy.scope_condition(self, user, action)

    def in_scope(self, user, action: str = "view"):
        """The rows on which ``user`` may do ``action`` (``portal.policy``)."""
        return policy.restrict(self, user, action)

    def with_private_access(self, user):
        """Every row (a public read), each marked ``private_access``: whether ``user`` holds
        it in scope and so may read its private fields (the people's contacts on it)."""
        condition = self.scope_condition(user)
        if condition is None or not condition:
            return self.annotate(private_access=models.Value(condition is not None))
        return self.annotate(
            private_access=models.ExpressionWrapper(condition, output_field=models.BooleanField())
        )


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    # The task queue could not be reached: the job waits to be queued again (exports: the
    # hourly housekeeping; recomputations: the nightly run).
    NOT_QUEUED = "not_queued", _("Not queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


# The statuses of a job still waiting or being run.
JOB_PENDING = [JobStatus.QUEUED, JobStatus.NOT_QUEUED, JobStatus.RUNNING]
JOB_FINISHED = [JobStatus.SUCCEEDED, JobStatus.FAILED]

# The badge of a background job's status, for every kind of job (exports, recomputations).
JOB_STATUS_BADGES = {
    "queued": "text-bg-secondary",
    "not_queued": "text-bg-warning",
    "running": "text-bg-primary",
    "succeeded": "text-bg-success",
    "failed": "text-bg-danger",
}
# The same statuses in the words of a file someone waits for.
EXPORT_STATUS_LABELS = {
    JobStatus.RUNNING: _("Being prepared"),
    JobStatus.SUCCEEDED: _("Ready"),
}
EXPORT = "export"


def export_file_path(job: "Job", filename: str) -> str:
    # A random folder: the name of one person's file tells nothing about another's.
    return f"exports/{job.owner_id}/{uuid.uuid4().hex}.xlsx"


class Job(models.Model):
    """A background run a person can watch: an export of a table too large for the response
    (built by a worker for its owner), a recomputation of the evaluation, … (the kinds are
    registered by their apps in ``portal.job_kinds``). The row records who started what with
    which parameters, its status, progress, timings and any error."""

    kind = models.CharField(_("kind"), max_length=16)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("started by"),
        help_text=_("Empty for the scheduled runs."),
    )
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress"), default=0, validators=[MaxValueValidator(100)]
    )
    step = models.CharField(_("current step"), max_length=60, blank=True)
    timings = models.JSONField(_("seconds per step"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Exports: which table (its download link's name), with which filters, in which language,
    # and the file built.
    export = models.CharField(
        _("table"), max_length=80, blank=True, help_text=_("The download link's name.")
    )
    title = models.CharField(_("title"), max_length=100, blank=True)
    filters = models.JSONField(
        _("filters"),
        default=dict,
        blank=True,
        help_text=_("The validated filters of the list, as the worker hands them to its selector."),
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=export_file_path, blank=True)
    filename = models.CharField(_("file name"), max_length=150, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "kind", "-created_at"], name="job_owner_recent"),
            models.Index(fields=["kind", "status"], name="job_kind_status"),
            models.Index(fields=["created_at"], name="job_created"),
        ]
        constraints = [
            models.CheckConstraint(name="job_progress_percent", condition=Q(progress__lte=100)),
            # A second click while the same file is still coming is answered with the job
            # already recorded; two at the same moment meet here.
            models.UniqueConstraint(
                fields=["owner", "export", "filters", "language"],
                condition=Q(kind=EXPORT, status__in=JOB_PENDING),
                name="job_export_one_pending",
            ),
            # A job started twice with the same parameters (two clicks, two web servers at the
            # same moment) is recorded once while it is pending, and so runs once.
            models.UniqueConstraint(
                fields=["kind", "parameters"],
                condition=~Q(kind=EXPORT) & Q(status__in=JOB_PENDING),
                name="job_one_pending_per_parameters",
            ),
        ]

    def __str__(self):
        return f"{self.title or self.kind_label} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse(JOB_KINDS[self.kind].url_name, args=[self.pk])

    @property
    def kind_label(self) -> str:
        kind = JOB_KINDS.get(self.kind)
        return str(kind.label) if kind else self.kind

    @property
    def link(self) -> str:
        """An export's download link with the filters as its query string: what the owner
        clicked."""
        if self.kind != EXPORT:
            return ""
        query = urlencode(self.filters)
        return f"{reverse(self.export)}?{query}" if query else reverse(self.export)

    @property
    def finished(self) -> bool:
        return self.status in JOB_FINISHED

    @property
    def status_label(self) -> str:
        if self.kind == EXPORT:
            return str(EXPORT_STATUS_LABELS.get(self.status, self.get_status_display()))
        return self.get_status_display()

    @property
    def badge(self) -> str:
        return JOB_STATUS_BADGES[self.status]
