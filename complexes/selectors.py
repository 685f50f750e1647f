"""Read queries of the complex registry, shared by pages and the API."""

from django.db.models import Count, Q

from portal.search import all_terms_match

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


# A complex is registered under a county (or a city): its city's and the province's names find
# it too, so that "杭州" finds Hangzhou's complexes in every district.
REGION_NAME_FIELDS = [
    f"{region}__{name}"
    for region in ("region", "region__parent", "region__parent__parent")
    for name in ("name_zh_hans", "name_en")
]
COMPLEX_SEARCH_FIELDS = ["name", "industry", "host_unit", "code", *REGION_NAME_FIELDS]


def complex_search_condition(text: str) -> Q:
    """Every term in one of the complex's names, its industry, host unit or regions."""
    return all_terms_match(text, COMPLEX_SEARCH_FIELDS)


def regions_in_scope(user):
    """The regions an official may look at: their region's subtree (all of it for the province)."""
    if user.is_superuser or user.is_provincial_official:
        return Region.objects.all()
    if user.is_regional_official and user.region_id:
        return Region.objects.subtree(user.region_id)
    return Region.objects.none()


def home_region_code(user) -> str:
    return user.region_id if user.is_regional_official and user.region_id else "330000"
