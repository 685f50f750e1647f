"""Pages of expert review: the province's expert pool and assignments, the experts' reviews."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from complexes.models import Complex, Status
from portal import inputs, policy
from portal.exceptions import DomainError

from . import expert_review, expert_selectors
from .forms import AssignmentForm, ExpertForm, NewExpertForm, ReviewForm
from .models import Expert, ExpertAssignment, ExpertReview

PAGE_SIZE = 25


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or 0)
    except ValueError:
        year = 0
    return year if 2017 <= year <= 2100 else timezone.localdate().year - 1


def _form_error(form, error: DomainError | ValidationError) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            form.add_error(None, message)
        return
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


# The pool ------------------------------------------------------------------------------------


@login_required
@require_GET
def experts(request):
    """The province's expert pool."""
    policy.page_requires(request.user, "expert.manage")
    active = {"1": True, "0": False}.get(request.GET.get("active", ""))
    rows = expert_selectors.experts_table(user=request.user, active=active)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "active": request.GET.get("active", ""),
        "query": f"active={request.GET.get('active', '')}",
        "crumbs": [(_("Expert pool"), None)],
    }
    return render(request, "evaluation/experts.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def expert_new(request):
    policy.page_requires(request.user, "expert.manage")
    form = NewExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            expert = expert_review.expert_create(actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            if isinstance(error, ValidationError):
                form.add_error("password", error)
            else:
                _form_error(form, error)
        else:
            messages.success(request, _("%(name)s joined the expert pool.") % {"name": expert})
            return redirect("evaluation:experts")
    context = {
        "form": form,
        "crumbs": [(_("Expert pool"), reverse("evaluation:experts")), (_("New expert"), None)],
    }
    return render(request, "evaluation/expert_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def expert_edit(request, pk):
    policy.page_requires(request.user, "expert.manage")
    expert = get_object_or_404(
        Expert.objects.in_scope(request.user, "expert.manage").select_related("user", "city"),
        pk=pk,
    )
    form = ExpertForm(
        request.POST or None,
        initial={
            "name": expert.name,
            "expertise": expert.expertise,
            "organisation": expert.organisation,
            "city": expert.city_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            expert_review.expert_update(actor=request.user, expert=expert, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("evaluation:experts")
    context = {
        "form": form,
        "expert": expert,
        "crumbs": [(_("Expert pool"), reverse("evaluation:experts")), (str(expert), None)],
    }
    return render(request, "evaluation/expert_form.html", context)


@login_required
@require_POST
def expert_active(request, pk, change):
    policy.page_requires(request.user, "expert.manage")
    expert = get_object_or_404(
        Expert.objects.in_scope(request.user, "expert.manage").select_related("user"), pk=pk
    )
    expert_review.expert_set_active(actor=request.user, expert=expert, active=change == "activate")
    messages.success(request, _("Saved."))
    return redirect("evaluation:experts")


# Assignments ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assignments(request):
    """The complexes evaluated in a year with their experts; the short ones first."""
    policy.page_requires(request.user, "expert.manage")
    year = _year(request)
    form = AssignmentForm(
        request.POST or None,
        complexes=Complex.objects.filter(status__in=[Status.OPERATING, Status.RECTIFYING]),
        experts=Expert.objects.active(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            expert_review.assignment_create(
                actor=request.user,
                expert=form.cleaned_data["expert"],
                complex_=form.cleaned_data["complex"],
                year=year,
            )
        except DomainError as error:
            form.add_error("expert", str(error.message))
        else:
            messages.success(request, _("Assigned."))
            return redirect(f"{reverse('evaluation:assignments')}?year={year}")
    short_only = request.GET.get("short") == "1"
    rows = expert_selectors.assignment_board(user=request.user, year=year, short_only=short_only)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "year": year,
        "short_only": short_only,
        "page": page,
        "short_count": sum(1 for row in rows if row.missing),
        "query": f"year={year}&short={'1' if short_only else ''}",
        "crumbs": [(_("Expert assignments"), None)],
    }
    return render(request, "evaluation/assignments.html", context)


@login_required
@require_POST
def assignment_delete(request, pk):
    policy.page_requires(request.user, "expert.manage")
    assignment = get_object_or_404(
        ExpertAssignment.objects.in_scope(request.user, "expert.manage"), pk=pk
    )
    try:
        expert_review.assignment_delete(actor=request.user, assignment=assignment)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Assignment withdrawn."))
    return redirect(f"{reverse('evaluation:assignments')}?year={assignment.year}")


# Reviews -------------------------------------------------------------------------------------


@login_required
@require_GET
def reviews(request):
    """An expert's assigned complexes (the province: every assignment of the year)."""
    policy.page_requires(request.user, "expert_review.list")
    year = inputs.year(request.GET)
    rows = expert_selectors.assignments_table(user=request.user, year=year)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "year": year or "",
        "query": f"year={year or ''}",
        "crumbs": [(_("Expert reviews"), None)],
    }
    return render(request, "evaluation/reviews.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk):
    """An assigned complex's report for the year, read-only, and the expert's rubric: save a
    draft or submit. Anyone else's assignment answers 404."""
    assignment = get_object_or_404(
        ExpertAssignment.objects.in_scope(request.user, "expert_review.list").select_related(
            "complex", "complex__region", "expert"
        ),
        pk=pk,
    )
    current = ExpertReview.objects.filter(assignment=assignment).first()
    rubric = expert_review.rubric_for(assignment)
    actions = expert_review.allowed_actions(
        review=current, user=request.user, assignment=assignment
    )
    initial = {"version": current.version if current else None}
    scores = {score.item_id: score for score in current.scores.all()} if current else {}
    for item_id, score in scores.items():
        initial[f"points_{item_id}"] = score.points
        initial[f"comment_{item_id}"] = score.comment
    form = ReviewForm(request.POST or None, initial=initial, rubric=rubric)
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in actions:
            policy.page_requires(request.user, "expert_review.fill", assignment)
        if form.is_valid():
            try:
                # A refused submission keeps nothing of the points sent with it either.
                with transaction.atomic():
                    expert_review.review_save(
                        actor=request.user,
                        assignment=assignment,
                        scores=form.scores(),
                        version=form.cleaned_data["version"],
                    )
                    if action == expert_review.SUBMIT:
                        expert_review.review_submit(actor=request.user, assignment=assignment)
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(
                    request,
                    _("Review submitted.") if action == expert_review.SUBMIT else _("Draft saved."),
                )
                return redirect("evaluation:review", pk=assignment.pk)
    context = {
        "assignment": assignment,
        "review": current,
        "form": form,
        "actions": actions,
        "scores": scores,
        "rubric": rubric,
        "report": expert_selectors.review_material(assignment=assignment),
        "crumbs": [
            (_("Expert reviews"), reverse("evaluation:reviews")),
            (f"{assignment.complex.name} · {assignment.year}", None),
        ],
    }
    return render(request, "evaluation/review.html", context)
