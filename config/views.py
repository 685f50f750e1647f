"""The project's own pages: the public home page, which draws on several apps."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from .home import home_page_data


def home(request):
    """The public home page: search, the map of complexes, the province's key figures,
    featured services, the latest results and where an enterprise starts."""
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
    return render(request, "home.html", context)
