"""What the public home page shows, all of it public: the province's key figures, the map of
complexes, featured services and the latest published results (as counts by grade: a
complex's own score is for officials and its operator).

Everything is the same for every visitor, so it is computed once per language and kept in the
cache under the public lists' generation (``portal.api.public_cache``): a write to a complex,
member institution, region or offering makes it stale at once, and the public lists' timeout
bounds everything else (requests, ratings, results).
"""

from collections import Counter

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from complexes.models import Complex, Institution, Level, Region, RegionLevel, Status
from dashboard.measures import COMPLEXES
from evaluation.models import Evaluation, EvaluationRun, Grade, RevisionStatus
from portal.api.public_cache import current_generation
from services.models import Enterprise, Offering, RequestStatus, ServiceRequest

FEATURED = 5
# A service is "best rated" once this many enterprises have rated it: one happy client is no
# recommendation.
RATINGS_NEEDED = 3


def province_figures() -> dict:
    """The key figures of the province (five queries)."""
    by_level = dict(
        Complex.objects.exclude(status=Status.REMOVED)
        .values_list("level")
        .annotate(n=Count("id"))
        .values_list("level", "n")
    )
    delivered = ServiceRequest.objects.filter(status=RequestStatus.COMPLETED).aggregate(
        services=Count("id"), enterprises=Count("enterprise", distinct=True)
    )
    return {
        "complexes": sum(by_level.values()),
        "by_level": [(str(label), by_level.get(value, 0)) for value, label in Level.choices],
        "institutions": Institution.objects.filter(
            complex__in=Complex.objects.exclude(status=Status.REMOVED)
        ).count(),
        "offerings": Offering.objects.active().count(),
        "services_delivered": delivered["services"],
        "enterprises_served": delivered["enterprises"],
        "enterprises_registered": Enterprise.objects.count(),
    }


def featured_services() -> dict[str, list[Offering]]:
    """The most requested and the best rated active services (two queries)."""
    offerings = Offering.objects.active().select_related("complex")
    most_requested = (
        offerings.annotate(requested=Count("requests"))
        .filter(requested__gt=0)
        .order_by("-requested", "id")[:FEATURED]
    )
    best_rated = (
        offerings.annotate(
            rating=Avg("requests__rating"),
            ratings=Count("requests__rating"),
        )
        .filter(ratings__gte=RATINGS_NEEDED)
        .order_by("-rating", "-ratings", "id")[:FEATURED]
    )
    return {"most_requested": list(most_requested), "best_rated": list(best_rated)}


def latest_results() -> dict | None:
    """The latest published year: when, and how many complexes in each grade (two queries)."""
    publication = (
        EvaluationRun.objects.filter(status=RevisionStatus.PUBLISHED).order_by("-year").first()
    )
    if publication is None:
        return None
    counts = dict(
        Evaluation.objects.filter(run=publication)
        .values_list("grade")
        .annotate(n=Count("id"))
        .values_list("grade", "n")
    )
    return {
        "year": publication.year,
        "published_at": publication.decided_at,
        "evaluated": sum(counts.values()),
        "by_grade": [(value, str(label), counts.get(value, 0)) for value, label in Grade.choices],
    }


def complexes_map() -> dict:
    """The map's configuration (``static/js/region_map.js``): the cities shaded by their number
    of complexes, each complex a point; a click opens the directory of the city or the complex's
    page (two queries)."""
    complexes = list(
        Complex.objects.exclude(status=Status.REMOVED).values_list(
            "code", "name", "longitude", "latitude", "status", "region_id"
        )
    )
    by_city = Counter(row[5][:4] + "00" for row in complexes)
    cities = Region.objects.filter(level=RegionLevel.CITY).order_by("code")
    return {
        "mapName": "zj-province",
        "mapUrl": static("maps/zhejiang.json"),
        "highlight": None,
        "measureLabel": _("Complexes"),
        "measureUnit": str(COMPLEXES),
        "regions": [
            {
                "name": city.name_zh_hans,
                "code": city.code,
                "value": by_city.get(city.code, 0),
                "label": city.name,
            }
            for city in cities
        ],
        "points": [
            {"name": name, "value": [float(lng), float(lat)], "code": code, "status": status}
            for code, name, lng, lat, status, _region in complexes
            if lng is not None
        ],
        "drillUrl": reverse("complexes:directory") + "?region=",
        "complexUrl": reverse("complexes:detail", args=["CODE"]),
    }


def home_page_data() -> dict:
    """Everything the home page shows, from the cache when the public lists have not changed
    since it was computed in this language."""
    key = f"home:{get_language()}:{current_generation()}"
    data = cache.get(key)
    if data is None:
        data = {
            "figures": province_figures(),
            "featured": featured_services(),
            "results": latest_results(),
            "map_config": complexes_map(),
        }
        cache.set(key, data, timeout=settings.PUBLIC_LIST_CACHE_SECONDS)
    return data
