"""Pages of the impact follow-up: the enterprise's surveys (open ones to answer, answered ones
to read) and the officials' list of their region's answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from complexes.filters import page_filters
from portal import policy
from portal.exceptions import DomainError, NotPermitted
from portal.filtering import validated
from portal.pagination import query_without

from . import selectors
from .filters import ImpactSurveyFilter
from .forms import ImpactSurveyForm
from .impact import impact_survey_answer
from .views import _add_errors, _page


@login_required
def survey_list(request):
    """An enterprise's own surveys; an official's list of their region's."""
    filterset = page_filters(ImpactSurveyFilter, request.GET, user=request.user)
    rows = selectors.impact_survey_list(user=request.user, filters=validated(filterset.form))
    context = {
        "filter": filterset,
        "page": _page(request, rows),
        "query": query_without(request),
        "crumbs": [(_("Impact surveys"), None)],
    }
    return render(request, "services/impact_survey_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def survey_detail(request, pk):
    # A survey out of the caller's scope (another enterprise's) is not found.
    survey = get_object_or_404(selectors.impact_surveys(user=request.user), pk=pk)
    answerable = survey.is_open and policy.can(request.user, "impact_survey.answer", survey)
    # Bound to any post, even an empty one: an answer sent blank is refused, not ignored.
    data = request.POST if request.method == "POST" else None
    form = ImpactSurveyForm(data) if answerable else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                impact_survey_answer(survey=survey, actor=request.user, **form.cleaned_data)
            except NotPermitted as error:
                raise PermissionDenied(str(error.message)) from error
            except (DomainError, ValidationError) as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Thank you: your answer has been recorded."))
                return redirect("services:impact_survey_detail", pk=pk)
    context = {
        "survey": survey,
        "form": form,
        "crumbs": [
            (_("Impact surveys"), reverse("services:impact_surveys")),
            (_("Survey No. %(id)s") % {"id": survey.pk}, None),
        ],
    }
    return render(
        request,
        "services/impact_survey_detail.html",
        context,
        status=400 if form is not None and form.errors else 200,
    )
