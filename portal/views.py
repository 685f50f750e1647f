from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from rest_framework.exceptions import NotFound

from .audit import HISTORY_KINDS, history_entries
from .csv_exports import csv_response
from .exports import XLSX
from .inputs import InvalidParameter
from .models import EXPORT, Job, JobStatus
from .open_data import OPEN_DATASETS, field_type

HISTORY_PAGE_SIZE = 50

TOO_MANY_REQUESTS = 429


@login_required
def history(request, kind, pk):
    """Who changed an object (and the rows that belong to it), what, and when."""
    if kind not in HISTORY_KINDS:
        raise Http404
    history_kind = HISTORY_KINDS[kind]
    subject = get_object_or_404(history_kind.readable(request.user), pk=pk)
    return render_history(request, history_kind, subject)


def render_history(request, history_kind, subject, crumbs=None):
    page = Paginator(history_kind.events(subject), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    here = _("Change history")
    context = {
        "subject": subject,
        "subject_kind": subject._meta.verbose_name,
        "page": page,
        "entries": history_entries(page.object_list, subject),
        "crumbs": crumbs or [(str(subject), history_kind.page_url(subject)), (here, None)],
    }
    return render(request, "history.html", context)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _previous_page(request) -> str:
    """The page the person came from, when it is one of the portal's own: the error pages'
    way back."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:  # the 400 answering a bad Host header
        return ""
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={host}):
        return referer
    return ""


def _error_page(
    request, *, status: int, heading: str, message: str, api_message=None, tone: str = "danger"
):
    """An error in the portal's layout and the person's language, with a way back; the API
    answers the same error in JSON (with DRF's wording where DRF has one)."""
    if _is_api(request):
        return JsonResponse({"detail": str(api_message or message)}, status=status)
    context = {
        "status": status,
        "heading": heading,
        "message": message,
        "tone": tone,
        "back_url": _previous_page(request),
    }
    return render(request, "error.html", context, status=status)


def bad_request(request, exception):
    """400: a parameter the portal cannot read is named with what it expects (JSON under
    /api/, a page in the layout elsewhere)."""
    if isinstance(exception, InvalidParameter):
        if _is_api(request):
            return JsonResponse({exception.field: [exception.message]}, status=400)
        message = exception.message
    elif isinstance(exception, RequestDataTooBig):
        message = _("The request body is larger than %(limit)d bytes.") % {
            "limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        }
    else:
        message = _("The request could not be understood.")
    return _error_page(request, status=400, heading=_("Bad request"), message=message)


def permission_denied(request, exception):
    """403: signed in, but not allowed here."""
    return _error_page(
        request,
        status=403,
        heading=_("Access denied"),
        message=_("You do not have permission to perform this action."),
    )


def not_found(request, exception):
    """404, also for API paths no route matches (an id that is not a number)."""
    return _error_page(
        request,
        status=404,
        heading=_("Page not found"),
        message=_("This page does not exist, or it is not open to you."),
        api_message=NotFound.default_detail,
    )


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: usually a form left open past the session or sent from elsewhere."""
    return _error_page(
        request,
        status=403,
        heading=_("The form could not be sent"),
        message=_(
            "The form has expired or did not come from this portal. Go back, reload the page "
            "and send the form again."
        ),
    )


def server_error(request):
    """500: rendered without the context processors, and touching no database, since either
    may be what failed."""
    heading = _("Server error")
    message = _("Something went wrong on our side and has been logged. Please try again later.")
    if _is_api(request):
        return JsonResponse({"detail": message}, status=500)
    context = {
        "status": 500,
        "heading": heading,
        "message": message,
        "back_url": _previous_page(request),
        "portal_name": settings.PORTAL_NAME,
    }
    return HttpResponseServerError(loader.get_template("error.html").render(context))


@require_GET
def open_data(request):
    """The public datasets, each with its CSV and its field dictionary."""
    datasets = [
        {
            "dataset": dataset,
            "fields": [(column, field_type(column)) for column in dataset.table.columns],
        }
        for dataset in OPEN_DATASETS.values()
    ]
    return render(
        request,
        "open_data.html",
        {"datasets": datasets, "crumbs": [(_("Open data"), None)]},
    )


@require_GET
def open_data_csv(request, slug):
    if slug not in OPEN_DATASETS:
        raise Http404
    return csv_response(OPEN_DATASETS[slug].table, request)


def health(request):
    """Liveness and database reachability, for load balancers and docker-compose."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _too_many(request, message: str):
    return _error_page(
        request,
        status=TOO_MANY_REQUESTS,
        heading=_("Please wait"),
        message=message,
        tone="warning",
    )


def locked_out(request, original_response=None, credentials=None):
    """django-axes: the answer after too many failed logins, in the caller's language."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Too many failed logins for this account from your address. "
        "Try again in %(minutes)d minutes, or ask the portal's administrators to unlock it."
    ) % {"minutes": minutes}
    return _too_many(request, message)


def rate_limited(request, exception=None):
    """django-ratelimit: the answer when a client sends requests too fast."""
    return _too_many(request, _("Too many requests. Please wait a minute and try again."))


EXPORTS_PAGE_SIZE = 25


def _exports_of(user):
    return Job.objects.filter(kind=EXPORT, owner=user)


@login_required
def my_exports(request):
    """The signed-in person's export jobs, newest first."""
    page = Paginator(_exports_of(request.user), EXPORTS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "crumbs": [(_("My exports"), None)],
        "retention_days": settings.EXPORT_RETENTION_DAYS,
    }
    return render(request, "exports/list.html", context)


@login_required
def export_job(request, pk):
    """One export being prepared; htmx polls its status block until the file is ready."""
    job = get_object_or_404(_exports_of(request.user), pk=pk)
    context = {"job": job, "retention_days": settings.EXPORT_RETENTION_DAYS}
    if request.htmx:
        return render(request, "exports/_status.html", context)
    context["crumbs"] = [(_("My exports"), reverse("my_exports")), (job.title, None)]
    return render(request, "exports/detail.html", context)


@login_required
def export_file(request, pk):
    """The finished file, for its owner only."""
    job = get_object_or_404(
        _exports_of(request.user).exclude(file=""), pk=pk, status=JobStatus.SUCCEEDED
    )
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=XLSX
    )
