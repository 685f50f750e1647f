"""Read queries of the complex registry, shared by pages and the API."""

from django.db.models import Case, Count, Exists, Q, Subquery, Value, When

from portal import policy
from portal.filtering import NO_FILTERS, Filters, filtered

from .filters import ComplexFilter
from .models import (
    Complex,
    ComplexStatusChange,
    Institution,
    InstitutionType,
    Region,
    RegionLevel,
    RemovalHearing,
)
from .region_picker import translated_name


def complex_directory(*, filters: Filters = NO_FILTERS):
    """The public directory under validated ``ComplexFilter`` filters, with what a row shows,
    in a fixed number of queries. Public: the same rows for everyone."""
    rows = (
        Complex.objects.select_related("region", "region__parent")
        .with_member_counts()
        .order_by("code")
    )
    return filtered(ComplexFilter, rows, filters)


def complex_page():
    """Complexes with what their page's header and breadcrumbs show, no more: a reader outside
    the complex's scope gets the rest of the page from the page cache."""
    return Complex.objects.select_related("region__parent", "predecessor", "successor")


def complex_detail(*, code: str):
    return (
        Complex.objects.select_related("region", "region__parent")
        .prefetch_related("status_changes__changed_by")
        .get(code=code)
    )


def current_hearings(complex_ref):
    """The hearings recorded for a complex's case at hand, the latest first: those since its
    last status change (an earlier hearing was about an earlier case). ``complex_ref`` is a
    complex's id or an ``OuterRef`` to one."""
    changes = ComplexStatusChange.objects.filter(complex=complex_ref)
    last_change = changes.order_by("-changed_at", "-id").values("changed_at")[:1]
    return (
        RemovalHearing.objects.filter(complex=complex_ref)
        .filter(Q(recorded_at__gte=Subquery(last_change)) | ~Exists(changes))
        .order_by("-recorded_at", "-id")
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


def regions_in_scope(user):
    """The regions an official may look at: their region's subtree (all of it for the province)."""
    return Region.objects.in_scope(user)


def home_region_code(user) -> str:
    return user.region_id if policy.scope_of(user, "view") == policy.SUBTREE else "330000"


def city_map_labels() -> dict[str, str]:
    """Each city's shape on the province's map (the map file names it in Chinese) with the
    city's name in the active language: one query."""
    return {city.name_zh_hans: city.name for city in Region.objects.filter(level=RegionLevel.CITY)}


def region_names(path: str) -> dict[str, Case]:
    """``city_name`` and ``county_name`` of the region at ``path``, in the active language, as
    annotations: for tables read with ``values()`` rather than as model instances."""

    is_county = Q(**{f"{path}__level": RegionLevel.COUNTY, f"{path}__parent__isnull": False})
    return {
        "city_name": Case(
            When(is_county, then=translated_name(f"{path}__parent")), default=translated_name(path)
        ),
        "county_name": Case(
            When(**{f"{path}__level": RegionLevel.COUNTY}, then=translated_name(path)),
            default=Value(""),
        ),
    }
