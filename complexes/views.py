from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import ProtectedError, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal import audit, policy
from portal.exceptions import DomainError
from portal.filtering import validated
from portal.page_cache import cached_fragment, cached_parts
from portal.pagination import list_page, query_without
from portal.views import render_history

from . import selectors, services
from .filters import ComplexFilter
from .forms import ComplexProfileForm, HearingForm, ReapplyForm, StatusChangeForm
from .models import Complex, InstitutionType, Status
from .pages import contributed_blocks, contributed_figures
from .parts import PARTS

DIRECTORY_PAGE_SIZE = 20
# A complex's shared instruments and talent teams, a page of each at a time.
PARTS_PAGE_SIZE = 20
# Where a kept complex page takes the live figures of those in scope: a comment, which the
# page's own text cannot forge since every field shown is escaped.
FIGURES_SLOT = mark_safe("<!-- complex-figures -->")


def directory(request):
    """The public directory; its content comes from the page cache (``portal.page_cache``)
    until a complex, member institution or region changes."""
    # htmx asks for the results alone when a filter changes.
    template = "complexes/_directory_results.html" if request.htmx else "complexes/_directory.html"

    def content() -> str:
        filterset = ComplexFilter(request.GET or None)
        rows = selectors.complex_directory(filters=validated(filterset.form))
        page = Paginator(rows, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
        context = {"filter": filterset, "page": page, "query": query_without(request)}
        return render_to_string(template, context, request)

    content = cached_fragment(request, template, content)
    if request.htmx:
        return HttpResponse(content)
    context = {"content": content, "crumbs": [(_("Complexes"), None)]}
    return render(request, "complexes/directory.html", context)


def detail(request, code):
    """A complex's page, from the page cache (``portal.page_cache``) for each audience until
    something it shows changes; a reader the policy lets view nothing in anyone's scope (a
    visitor) gets it without the complex being read. Those in the complex's scope also see its
    live figures (services over time, reports, scores), rendered for each request into the
    kept page's ``FIGURES_SLOT``."""
    complex_ = None
    if policy.can(request.user, "view"):
        complex_ = get_object_or_404(selectors.complex_page(), code=code)
        if policy.can(request.user, "view", complex_):
            parts = cached_parts(
                request,
                "complexes/detail/in-scope",
                lambda: _page_parts(request, complex_, in_scope=True),
            )
            figures = render_to_string(
                "complexes/_figures.html",
                {"complex": complex_, **contributed_figures(complex_=complex_)},
                request,
            )
            parts["content"] = mark_safe(parts["content"].replace(FIGURES_SLOT, figures))
            return render(request, "complexes/detail.html", parts)

    def public_parts() -> dict[str, str]:
        public = complex_ or get_object_or_404(selectors.complex_page(), code=code)
        return _page_parts(request, public, in_scope=False)

    parts = cached_parts(request, "complexes/detail", public_parts)
    return render(request, "complexes/detail.html", parts)


def _page_parts(request, complex_: Complex, *, in_scope: bool) -> dict[str, str]:
    context = _detail_context(request, complex_, in_scope)
    return {
        "title": escape(complex_.name),
        "breadcrumbs": render_to_string("_breadcrumbs.html", {"crumbs": complex_crumbs(complex_)}),
        "content": render_to_string("complexes/_detail.html", context, request),
    }


def _detail_context(request, complex_: Complex, in_scope: bool) -> dict:
    user = request.user
    prefetch_related_objects([complex_], "status_changes__changed_by")
    editable = services.editable_complex_fields(user, complex_)
    type_counts = selectors.member_type_counts(complex_=complex_)
    status_can_move = bool(services.ALLOWED_STATUS_CHANGES[complex_.status])
    return {
        "complex": complex_,
        "members": list_page(
            request,
            selectors.complex_members(complex_=complex_),
            per_page=PARTS_PAGE_SIZE,
            param="members_page",
        ),
        "members_query": query_without(request, "members_page"),
        "member_total": sum(type_counts.values()),
        "member_counts": [(InstitutionType(kind).label, n) for kind, n in type_counts.items()],
        **contributed_blocks(complex_=complex_, member_counts=type_counts),
        "figures_slot": FIGURES_SLOT if in_scope else "",
        "instruments": list_page(
            request, complex_.instruments.all(), per_page=PARTS_PAGE_SIZE, param="instruments_page"
        ),
        "instruments_query": query_without(request, "instruments_page"),
        "talent_teams": list_page(
            request, complex_.talent_teams.all(), per_page=PARTS_PAGE_SIZE, param="teams_page"
        ),
        "talent_teams_query": query_without(request, "teams_page"),
        "can_edit_profile": bool(editable - {"status"}),
        # A removed complex has no status left to move to: no button leading nowhere.
        "can_change_status": "status" in editable and status_can_move,
        "can_propose_status": status_can_move
        and policy.can(user, "complex.propose_status", complex_),
        "can_reapply": complex_.status == Status.REMOVED
        and not hasattr(complex_, "successor")
        and policy.can(user, "complex.reapply", complex_),
        "can_manage_parts": policy.can(user, "complex.manage_parts", complex_),
        "can_read_history": in_scope,
        # The people on the page (the contact person, their phone and e-mail, who changed the
        # status): named only to the operator and the officials in scope.
        "show_contacts": in_scope,
    }


def complex_crumbs(complex_: Complex, *, here: str | None = None) -> list[tuple[str, str | None]]:
    directory_url = reverse("complexes:directory")
    crumbs = [(_("Complexes"), directory_url)]
    region = complex_.region
    for ancestor in (region.parent, region):
        if ancestor is not None and ancestor.level != "province":
            crumbs.append((ancestor.name, f"{directory_url}?region={ancestor.code}"))
    if here:
        crumbs += [(complex_.name, reverse("complexes:detail", args=[complex_.code])), (here, None)]
    else:
        crumbs.append((complex_.name, None))
    return crumbs


def _complex_in_scope(request, code) -> Complex:
    return get_object_or_404(Complex.objects.in_scope(request.user), code=code)


@login_required
@require_http_methods(["GET", "POST"])
def edit_profile(request, code):
    complex_ = _complex_in_scope(request, code)
    editable = services.editable_complex_fields(request.user, complex_) - {"status"}
    if not editable:
        raise PermissionDenied
    form = ComplexProfileForm(request.POST or None, instance=complex_, editable_fields=editable)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.complex_update(complex_=complex_, fields=changes, actor=request.user)
        except (DomainError, ValidationError) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The profile has been saved."))
            return redirect("complexes:detail", code=complex_.code)
    title = _("Edit profile")
    context = {
        "complex": complex_,
        "form": form,
        "title": title,
        "crumbs": complex_crumbs(complex_, here=title),
    }
    return render(request, "complexes/form_page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def change_status(request, code):
    """The province changes a complex's status and decides the proposals of cities and
    counties; a city or county official proposes a change here."""
    complex_ = _complex_in_scope(request, code)
    user = request.user
    decides = policy.can(user, "complex.change_status", complex_)
    if not decides:
        policy.page_requires(user, "complex.propose_status", complex_)
    form = StatusChangeForm(request.POST or None, current_status=complex_.status)
    if request.method == "POST" and form.is_valid():
        change = services.complex_change_status if decides else services.status_propose
        try:
            change(
                complex_=complex_,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
                actor=user,
            )
        except DomainError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The status has been changed.")
                if decides
                else _("Your proposal has been sent to the province."),
            )
            return redirect("complexes:detail", code=complex_.code)
    hears = policy.can(user, "complex.record_hearing", complex_)
    context = {
        "complex": complex_,
        "form": form,
        "decides": decides,
        "hearing": services.current_hearing(complex_) if hears else None,
        "hearing_form": HearingForm() if hears and complex_.status != Status.REMOVED else None,
        "proposals": complex_.status_proposals.pending().select_related("proposed_by"),
        "crumbs": complex_crumbs(
            complex_, here=_("Change status") if decides else _("Propose a status change")
        ),
    }
    return render(request, "complexes/change_status.html", context)


@login_required
@require_POST
def decide_proposal(request, code, pk, verdict):
    complex_ = _complex_in_scope(request, code)
    proposal = get_object_or_404(complex_.status_proposals, pk=pk)
    policy.page_requires(request.user, "complex.change_status", complex_)
    try:
        services.status_proposal_decide(
            proposal=proposal, confirm=verdict == "confirm", actor=request.user
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The proposal has been decided."))
    return redirect("complexes:change_status", code=complex_.code)


@login_required
@require_POST
def record_hearing(request, code):
    """The province records the hearing it held before a removal."""
    complex_ = _complex_in_scope(request, code)
    policy.page_requires(request.user, "complex.record_hearing", complex_)
    form = HearingForm(request.POST)
    if form.is_valid():
        try:
            services.removal_hearing_record(
                complex_=complex_, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The hearing has been recorded."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("complexes:change_status", code=complex_.code)


@login_required
@require_http_methods(["GET", "POST"])
def reapply(request, code):
    """A removed complex applies again: the province registers the new complex from its
    profile, linked to it."""
    complex_ = _complex_in_scope(request, code)
    policy.page_requires(request.user, "complex.reapply", complex_)
    if complex_.status != Status.REMOVED or Complex.objects.filter(predecessor=complex_).exists():
        messages.error(request, _("Only a removed complex may apply again, and only once."))
        return redirect("complexes:detail", code=complex_.code)
    form = ReapplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            successor = services.complex_reapply(
                predecessor=complex_, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The complex has applied again as a new complex."))
            return redirect("complexes:detail", code=successor.code)
    context = {
        "complex": complex_,
        "form": form,
        "title": _("Apply again"),
        "crumbs": complex_crumbs(complex_, here=_("Apply again")),
    }
    return render(request, "complexes/form_page.html", context)


@login_required
def history(request, code):
    """The audit trail of a complex and of its members, instruments and teams."""
    complex_ = _complex_in_scope(request, code)
    crumbs = complex_crumbs(complex_, here=_("Change history"))
    return render_history(request, audit.HISTORY_KINDS["complex"], complex_, crumbs)


def _operated_complex(request, code) -> Complex:
    complex_ = _complex_in_scope(request, code)
    policy.page_requires(request.user, "complex.manage_parts", complex_)
    return complex_


def _part(request, code, part_name, pk=None):
    """The complex (operated by the user), the kind of part, and the part itself (new if no pk)."""
    if part_name not in PARTS:
        raise Http404
    complex_ = _operated_complex(request, code)
    part = PARTS[part_name]
    instance = (
        get_object_or_404(part.model, pk=pk, complex=complex_)
        if pk
        else part.model(complex=complex_)
    )
    return complex_, part, instance


@login_required
@require_http_methods(["GET", "POST"])
def part_edit(request, code, part_name, pk=None):
    complex_, part, instance = _part(request, code, part_name, pk)
    form = part.form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.complex_part_save(part=instance, fields=form.cleaned_data, actor=request.user)
        except (DomainError, ValidationError) as error:
            _add_errors(form, error)
        else:
            messages.success(request, part.saved_message)
            return redirect("complexes:detail", code=complex_.code)
    title = part.edit_title if instance.pk else part.add_title
    context = {
        "complex": complex_,
        "form": form,
        "title": title,
        "crumbs": complex_crumbs(complex_, here=title),
    }
    return render(request, "complexes/form_page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def part_delete(request, code, part_name, pk):
    complex_, part, instance = _part(request, code, part_name, pk)
    if request.method == "POST":
        try:
            services.complex_part_delete(part=instance, actor=request.user)
        except ProtectedError:
            # A member that still offers services in the catalogue stays until those go.
            messages.error(request, _("This object is still in use and cannot be deleted."))
        else:
            messages.success(request, part.removed_message)
        return redirect("complexes:detail", code=complex_.code)
    context = {
        "complex": complex_,
        "instance": instance,
        "title": part.remove_title,
        "crumbs": complex_crumbs(complex_, here=part.remove_title),
    }
    return render(request, "complexes/part_confirm_delete.html", context)


def _add_errors(form, error) -> None:
    if isinstance(error, ValidationError):
        form.add_error(None, error)
        return
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))
