"""Read queries of the complex registry, shared by pages and the API."""

from django.db.models import Count, Q

from portal import policy

from .models import Complex, Institution, InstitutionType, Region


def complex_directory():
    """Complexes with what a directory row shows, in a fixed number of queries."""
    return (
        Complex.objects.select_related("region", "region__parent")
        .with_member_counts()
        .order_by("code")
    )


def complex_detail(*, code: str):
    return (
        Complex.objects.select_related("region", "region__parent")
        .prefetch_related("status_changes__changed_by")
        .get(code=code)
    )


def complex_members(*, complex_: Complex):
    return Institution.objects.filter(complex=complex_).order_by("type", "name", "id")


def member_type_counts(*, complex_: Complex) -> dict[str, int]:
    """How many members of each type (every type, zero included), in the types' order."""
    counts = dict(
        Institution.objects.filter(complex=complex_)
        .values_list("type")
        .annotate(n=Count("id"))
        .values_list("type", "n")
    )
    return {value: counts.get(value, 0) for value in InstitutionType.values}


def complex_search_condition(text: str) -> Q:
    return (
        Q(name__icontains=text)
        | Q(industry__icontains=text)
        | Q(host_unit__icontains=text)
        | Q(code__icontains=text)
        | Q(region__name_zh_hans__icontains=text)
        | Q(region__name_en__icontains=text)
    )


def regions_in_scope(user):
    """The regions an official may look at: their region's subtree (all of it for the province)."""
    return Region.objects.in_scope(user)


def home_region_code(user) -> str:
    return user.region_id if policy.scope_of(user, "view") == policy.SUBTREE else "330000"
