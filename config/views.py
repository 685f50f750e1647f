"""The project's own pages: the public home page, which draws on several apps."""

from django.db.models import Count
from django.shortcuts import render

from complexes.models import Complex, Level


def home(request):
    counts = dict(
        Complex.objects.values_list("level").annotate(n=Count("id")).values_list("level", "n")
    )
    totals = {
        "total": sum(counts.values()),
        "by_level": [(label, counts.get(value, 0)) for value, label in Level.choices],
    }
    return render(request, "home.html", {"totals": totals})
