from django.db import models
from django.utils.translation import gettext_lazy as _

from complexes.models import Region


class RegionFigure(models.Model):
    """One measure of one region (and its whole subtree) for one year, precomputed nightly.

    The dashboard reads these rows instead of scanning the raw records.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="figures"
    )
    measure = models.CharField(_("measure"), max_length=80)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)
    refreshed_at = models.DateTimeField(_("refreshed at"), auto_now=True)

    class Meta:
        verbose_name = _("region figure")
        verbose_name_plural = _("region figures")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "region", "measure"], name="region_figure_unique"
            )
        ]
        indexes = [models.Index(fields=["year", "measure"], name="region_figure_measure")]

    def __str__(self):
        return f"{self.year} {self.region_id} {self.measure}={self.value}"


class DataChange(models.Model):
    """A committed transaction that wrote to a table the dashboard reads, recorded by the
    database itself (statement triggers, ``dashboard.data_version``): the ORM's saves, bulk
    writes and the nightly job's own SQL alike."""

    id = models.BigAutoField(primary_key=True)
    changed_at = models.DateTimeField(_("changed at"), db_default=models.functions.Now())

    class Meta:
        verbose_name = _("dashboard data change")
        verbose_name_plural = _("dashboard data changes")

    def __str__(self):
        return f"{self.pk} {self.changed_at:%Y-%m-%d %H:%M:%S}"
