"""Shared model building blocks (timestamps, the one scoping mechanism) and the export jobs."""

import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import policy


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


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ScopedQuerySet(models.QuerySet):
    """Rows a user may see privately or act on, as ``portal.policy`` decides by action.

    A model's queryset names how its rows reach the three anchors of scope:
    ``scope_region`` (lookup to the region code, for officials: their whole subtree),
    ``scope_complex`` (lookup to the complex id, for operators) and ``scope_enterprise``
    (lookup to the enterprise id, for enterprise users). An anchor left as ``None`` means no
    scope but "all" reaches these rows. Public reads do not go through here.
    """

    scope_region: str | None = None
    scope_complex: str | None = None
    scope_enterprise: str | None = None

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


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    # The task queue could not be reached: the hourly housekeeping queues the job again.
    NOT_QUEUED = "not_queued", _("Not queued")
    RUNNING = "running", _("Being prepared")
    SUCCEEDED = "succeeded", _("Ready")
    FAILED = "failed", _("Failed")


# The badge of a background job's status, for every kind of job (exports, recomputations):
# they share the five states, if not the words.
JOB_STATUS_BADGES = {
    "queued": "text-bg-secondary",
    "not_queued": "text-bg-warning",
    "running": "text-bg-primary",
    "succeeded": "text-bg-success",
    "failed": "text-bg-danger",
}


def export_file_path(job: "ExportJob", filename: str) -> str:
    # A random folder: the name of one person's file tells nothing about another's.
    return f"exports/{job.owner_id}/{uuid.uuid4().hex}.xlsx"


class ExportJob(models.Model):
    """A table too large to send in the response, built by a worker for its owner; the row is
    also the record of who exported what, with which filters."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("owner"),
    )
    export = models.CharField(_("table"), max_length=80, help_text=_("The download link's name."))
    title = models.CharField(_("title"), max_length=100)
    filters = models.JSONField(
        _("filters"),
        default=dict,
        blank=True,
        help_text=_("The validated filters of the list, as the worker hands them to its selector."),
    )
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=export_file_path, blank=True)
    filename = models.CharField(_("file name"), max_length=150, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="export_owner_recent"),
            models.Index(fields=["created_at"], name="export_created"),
        ]

    def __str__(self):
        return f"{self.title} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("export_job", args=[self.pk])

    @property
    def link(self) -> str:
        """The download link with the filters as its query string: what the owner clicked."""
        query = urlencode(self.filters)
        return f"{reverse(self.export)}?{query}" if query else reverse(self.export)

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.SUCCEEDED, ExportStatus.FAILED)

    @property
    def badge(self) -> str:
        return JOB_STATUS_BADGES[self.status]
