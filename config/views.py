"""The project's own pages: the public home page, which draws on several apps."""

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from portal.page_cache import cached_fragment

from .home import home_page_data


def home(request):
    """The public home page: search, the map of complexes, the province's key figures,
    featured services, the latest results and where an enterprise starts. The same for every
    reader: below the navigation it comes from the page cache until the public lists change."""

    def content() -> str:
        data = home_page_data()
        featured = data["featured"]
        context = {
            **data,
            # (heading id, heading, services, whether they are featured for their rating)
            "featured_lists": [
                ("most-requested", _("Most requested services"), featured["most_requested"], False),
                ("best-rated", _("Best rated services"), featured["best_rated"], True),
            ],
        }
        return render_to_string("_home.html", context, request)

    return render(
        request, "home.html", {"content": cached_fragment(request, "_home.html", content)}
    )
