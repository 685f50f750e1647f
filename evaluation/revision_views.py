"""Pages of "numbers that stay put once seen": a year's draft results beside its published
ones (publish or discard, the province's), and the records behind one derived value."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from complexes.models import Complex
from portal import policy
from portal.derived import counting_source_of
from portal.exceptions import DomainError
from portal.inputs import FIRST_YEAR, LAST_YEAR

from . import revisions
from .models import DerivedValue, Evaluation, Indicator


def _checked_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


@login_required
@require_GET
def revision(request, year):
    """The year's draft beside its published results: which results moved, which inputs
    moved them; publish or discard."""
    comparison = revisions.revision_comparison(user=request.user, year=_checked_year(year))
    context = {
        "comparison": comparison,
        "crumbs": [
            (_("Evaluation results"), f"{reverse('evaluation:rankings')}?year={year}"),
            (_("Draft and published results %(year)s") % {"year": year}, None),
        ],
    }
    return render(request, "evaluation/revision.html", context)


DECISIONS = {
    "publish": (revisions.revision_publish, _("The %(year)s results are published.")),
    "discard": (revisions.revision_discard, _("The %(year)s draft has been discarded.")),
}


@login_required
@require_POST
def revision_decide(request, year, decision):
    policy.page_requires(request.user, "results.publish")
    decide, done = DECISIONS[decision]
    try:
        decide(year=_checked_year(int(year)), actor=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done % {"year": year})
    return redirect("evaluation:revision", year=year)


@login_required
@require_GET
def counted_records(request, code, year, indicator):
    """Exactly the records a derived value counts for the complex and year, with the
    indicator's definition, beside the value the year's results scored."""
    user = request.user
    policy.page_requires(user, "score.view")
    complex_ = get_object_or_404(Complex.objects.in_scope(user, "score.view"), code=code)
    indicator = get_object_or_404(Indicator.objects.derived(), code=indicator)
    source = counting_source_of(indicator.code)
    if source is None:
        raise Http404
    year = _checked_year(year)
    result = Evaluation.objects.shown().filter(complex=complex_, year=year).first()
    scored = next(
        (
            line["value"]
            for line in (result.breakdown if result else [])
            if line["indicator"] == indicator.code
        ),
        None,
    )
    context = {
        "complex": complex_,
        "year": year,
        "indicator": indicator,
        "definition": source.definitions[indicator.code],
        "records": source.records(code=indicator.code, complex_id=complex_.pk, year=year),
        "derived": DerivedValue.objects.filter(complex=complex_, year=year, indicator=indicator)
        .values_list("value", flat=True)
        .first(),
        "result": result,
        "scored": scored,
        "today_url": indicator.trace_url_for(complex_.code),
        "crumbs": [
            (complex_.name, f"{reverse('evaluation:score', args=[complex_.code])}?year={year}"),
            (f"{indicator.name} · {year}", None),
        ],
    }
    return render(request, "evaluation/counted_records.html", context)
