from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from rest_framework.exceptions import NotFound

from .audit import HISTORY_KINDS
from .exports import XLSX
from .inputs import InvalidParameter
from .models import EXPORT, Job, JobStatus

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
        "crumbs": crumbs or [(str(subject), history_kind.page_url(subject)), (here, None)],
    }
    return render(request, "history.html", context)


def not_found(request, exception):
    """The API answers in JSON even for paths no route matches (an id that is not a number)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return page_not_found(request, exception)


def bad_request(request, exception):
    """400: a parameter the portal cannot read is named with what it expects (JSON under
    /api/, a page in the layout elsewhere)."""
    if isinstance(exception, InvalidParameter):
        errors, message = {exception.field: [exception.message]}, exception.message
    else:
        if isinstance(exception, RequestDataTooBig):
            message = _("The request body is larger than %(limit)d bytes.") % {
                "limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            }
        else:
            message = _("The request could not be understood.")
        errors = {"detail": message}
    if request.path.startswith("/api/"):
        return JsonResponse(errors, status=400)
    return render(request, "bad_request.html", {"message": message}, status=400)


def health(request):
    """Liveness and database reachability, for load balancers and docker-compose."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _too_many(request, message: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=TOO_MANY_REQUESTS)
    return render(request, "too_many.html", {"message": message}, status=TOO_MANY_REQUESTS)


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
