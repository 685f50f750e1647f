"""The impact follow-up beside the complexes' own figures (MEP's lesson: self-reported impact
runs about a third above what clients say). Services holds the surveyed answers and evaluation
the annual reports; they are siblings, so they meet here: per complex the response rate and the
answers' means, next to the growth the complex reported of its cluster's revenue and R&D spend.
A fixed number of queries whatever the number of complexes."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from complexes.models import Complex
from evaluation.selectors import reported_growth
from portal import policy
from services.selectors import complex_impact, impact_by_complex


def impact_table(*, user) -> dict:
    """The province table: one row per complex in the user's scope that has sent surveys, with
    the totals of all of them (three queries)."""
    aggregates = impact_by_complex(user=user)
    complexes = Complex.objects.filter(pk__in=aggregates).select_related("region")
    growth = reported_growth(complex_ids=list(aggregates))
    rows = [
        {"complex": complex_, **aggregates[complex_.pk], "reported": growth.get(complex_.pk, {})}
        for complex_ in complexes.order_by("region__code", "code")
    ]
    invited = sum(row["invited"] for row in rows)
    answered = sum(row["answered"] for row in rows)
    totals = {
        "invited": invited,
        "answered": answered,
        "response_rate": Decimal(answered * 100) / invited if invited else None,
    }
    return {"rows": rows, "totals": totals}


def complex_impact_block(*, complex_: Complex) -> dict | None:
    """A complex's page: its aggregate beside its own reported growth (two queries)."""
    impact = complex_impact(complex_id=complex_.pk)
    if impact is None:
        return None
    return {**impact, "reported": reported_growth(complex_ids=[complex_.pk]).get(complex_.pk, {})}


@login_required
@require_GET
def impact_page(request):
    """Officials in scope: the surveyed impact of their region's complexes beside what the
    complexes report themselves."""
    policy.page_requires(request.user, "dashboard.view")
    policy.page_requires(request.user, "impact_survey.aggregate")
    context = {
        **impact_table(user=request.user),
        "crumbs": [(_("Dashboard"), reverse("dashboard:overview")), (_("Surveyed impact"), None)],
    }
    return render(request, "dashboard/impact.html", context)
