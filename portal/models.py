"""Shared model building blocks: timestamps and the one scoping mechanism."""

from django.db import models
from django.db.models.functions import Coalesce


def subtree_prefix(region_code: str) -> str:
    """The code prefix shared by a region and everything under it (GB/T 2260).

    330000 (province) → "33", 330700 (city) → "3307", 330784 (county) → "330784".
    """
    code = region_code
    while code.endswith("00"):
        code = code[:-2]
    return code


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
    """Rows a user may see privately, decided in one place for every page and endpoint.

    A model's queryset names how its rows reach the three anchors of scope:
    ``scope_region`` (lookup to the region code, for officials: their whole subtree),
    ``scope_complex`` (lookup to the complex id, for operators) and ``scope_enterprise``
    (lookup to the enterprise id, for enterprise users). An anchor left as ``None`` means that
    role sees none of these rows. Public reads do not go through here.
    """

    scope_region: str | None = None
    scope_complex: str | None = None
    scope_enterprise: str | None = None

    def in_scope(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.is_provincial_official:
            return self.all()
        if user.is_regional_official and self.scope_region and user.region_id:
            return self.filter(
                **{f"{self.scope_region}__startswith": subtree_prefix(user.region_id)}
            )
        if user.is_operator and self.scope_complex and user.complex_id:
            return self.filter(**{self.scope_complex: user.complex_id})
        if user.is_enterprise_user and self.scope_enterprise and user.enterprise_id:
            return self.filter(**{self.scope_enterprise: user.enterprise_id})
        return self.none()
