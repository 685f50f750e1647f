from http import HTTPStatus
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from complexes.models import InstitutionType, RegionLevel
from complexes.selectors import home_region_code
from evaluation.models import Grade
from portal import policy
from portal.filtering import validated
from portal.money import WAN
from portal.page_cache import kept_until_data_changes
from portal.pagination import list_page, query_without
from portal.pdf import pdf_response

from . import selectors
from .comparison import CompareForm, comparison_export, complex_comparison
from .forms import DashboardFilterForm, RegionPickerForm
from .measures import MAP_MEASURES, MAP_UNITS, MONEY_MEASURES
from .warnings import complexes_at_risk, warning_rows

WARNINGS_PAGE_SIZE = 20


def official_required(view):
    @login_required
    def check(request, *args, **kwargs):
        policy.page_requires(request.user, "dashboard.view")
        return view(request, *args, **kwargs)

    return check


@official_required
def overview(request):
    """The region's overview, rendered once for each audience, language and URL until what it
    shows changes (``dashboard.data_version``) or the day does (reports fall overdue)."""
    filters = validated(DashboardFilterForm(request.GET or None))
    parts = kept_until_data_changes(
        request,
        "dashboard/overview",
        lambda: _overview_parts(request, filters),
        also=timezone.localdate(),
    )
    return render(request, "dashboard/overview.html", parts)


def _overview_parts(request, filters) -> dict[str, str]:
    region = selectors.dashboard_region(user=request.user, filters=filters)
    year = selectors.dashboard_year(filters)
    measures = dict(MAP_MEASURES)
    measure = selectors.dashboard_measure(filters)
    # A county has nothing under it: its map is its city's, with the county outlined and
    # shaded. Its sibling counties are outside a county official's scope: the map draws their
    # shapes greyed, and the page carries no figure of theirs.
    is_county = region.level == RegionLevel.COUNTY
    shaded = [region] if is_county else list(region.children.order_by("code"))
    children = [] if is_county else shaded
    values = selectors.map_values(year=year, regions=shaded, measure=measure)
    city_code = region.code if region.level == RegionLevel.CITY else region.code[:4] + "00"
    # Money is drawn in the officials' unit (万元), as the table beside the map shows it.
    divisor = WAN if measure in MONEY_MEASURES else 1
    unit = MAP_UNITS[measure]
    map_config = {
        "mapName": f"zj-{city_code if is_county else region.code}",
        "mapUrl": static(
            "maps/zhejiang.json"
            if region.level == RegionLevel.PROVINCE
            else f"maps/counties/{city_code}.json"
        ),
        "highlight": region.code if is_county else None,
        # Money's label without its "(CNY)": the map names its unit (万元) beside it.
        "measureLabel": str(MONEY_MEASURES.get(measure, measures[measure])),
        "measureUnit": str(unit),
        "regions": [
            {
                "name": child.name_zh_hans,
                "code": child.code,
                "label": child.name,
                "value": float(values.get(child.code, 0) / divisor),
            }
            for child in shaded
        ],
        "points": selectors.map_points(region=region),
        # A layer of its own, shown or hidden from the map's legend: a marker at each county's
        # seat (the province's map draws cities only).
        "mountainLabel": str(_("26 mountain counties")),
        "mountainCounties": [
            {
                "name": county.name_zh_hans,
                "label": county.name,
                "code": county.code,
                "value": [float(county.longitude), float(county.latitude)],
            }
            for county in selectors.mountain_counties(region=region)
        ],
        "drillUrl": reverse("dashboard:overview") + f"?year={year}&measure={measure}&region=",
        "complexUrl": reverse("complexes:detail", args=["CODE"]),
    }
    # The complexes at risk most reasons first, a page at a time (the province's were 1,000
    # rows at scale 10); the Excel export has them all.
    warnings = list_page(
        request,
        complexes_at_risk(year=year, region=region),
        per_page=WARNINGS_PAGE_SIZE,
        param="warnings_page",
    )
    warnings.object_list = warning_rows(warnings.object_list, year=year)
    context = {
        "region": region,
        "year": year,
        "years": selectors.dashboard_years(year=year),
        "measure": measure,
        "measures": MAP_MEASURES,
        "money_measure_label": MONEY_MEASURES.get(measure),
        **selectors.overview_figures(year=year, region=region),
        "children": [(child, values.get(child.code)) for child in children],
        "complexes": selectors.county_complexes(region=region)
        if region.level == RegionLevel.COUNTY
        else None,
        "map_config": map_config,
        "region_picker": RegionPickerForm(user=request.user, region=region),
        "warnings": warnings,
        "warnings_query": query_without(request, "warnings_page"),
        # The ranking's export: the same year and region as the page shows.
        "ranking_export_query": urlencode({"year": year, "region": region.code}),
        "institution_types": InstitutionType.choices,
    }
    crumbs = region_crumbs(region, year=year, home=home_region_code(request.user))
    return {
        "title": escape(f"{_('Dashboard')} · {region.name}"),
        "breadcrumbs": render_to_string("_breadcrumbs.html", {"crumbs": crumbs}),
        "content": render_to_string("dashboard/_overview.html", context, request),
    }


@official_required
@require_GET
def compare(request):
    """Two to five complexes of the official's scope side by side; the picker alone until
    some are chosen, with its message (400) when too few or too many are."""
    form = CompareForm(request.GET or None, user=request.user)
    comparison = None
    if form.is_bound and form.is_valid():
        comparison = complex_comparison(user=request.user, filters=form.cleaned_data)
    context = {
        "form": form,
        "comparison": comparison,
        "crumbs": [(_("Dashboard"), reverse("dashboard:overview")), (_("Compare"), None)],
    }
    status = HTTPStatus.BAD_REQUEST if form.is_bound and form.errors else HTTPStatus.OK
    return render(request, "dashboard/compare.html", context, status=status)


@official_required
@require_GET
def compare_export(request):
    """The comparison as an Excel workbook."""
    # Bound even to an empty query string: no complex chosen is the form's error, not a file.
    filters = validated(CompareForm(request.GET, user=request.user))
    comparison = complex_comparison(user=request.user, filters=filters)
    return comparison_export(comparison).response(request)


@official_required
@require_GET
def summary_pdf(request):
    """One page on the region (the province, or the official's own region): headline figures,
    complexes by grade, the top of the ranking and the funds."""
    filters = validated(DashboardFilterForm(request.GET or None))
    region = selectors.dashboard_region(user=request.user, filters=filters)
    year = selectors.dashboard_year(filters)
    context = {
        "region": region,
        "year": year,
        **selectors.overview_figures(year=year, region=region),
        "grades": Grade.choices,
        "top": selectors.rankings(year=year, region=region, length=5),
    }
    return pdf_response(
        request,
        template="dashboard/summary_pdf.html",
        context=context,
        filename=_("%(region)s summary %(year)s.pdf") % {"region": region.name, "year": year},
    )


def region_crumbs(region, *, year: int, home: str) -> list[tuple[str, str | None]]:
    """Dashboard › the user's home region › … › this region (nothing above the home region)."""
    url = reverse("dashboard:overview")
    chain = []
    current = region
    while current is not None:
        chain.append(current)
        if current.code == home:
            break
        current = current.parent
    crumbs = [(_("Dashboard"), f"{url}?year={year}")]
    for ancestor in reversed(chain[1:]):
        crumbs.append((ancestor.name, f"{url}?year={year}&region={ancestor.code}"))
    crumbs.append((region.name, None))
    return crumbs
