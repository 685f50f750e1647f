from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from .forms import LoginForm
from .notifications import notification_mark_read

INBOX_PAGE_SIZE = 25

# One budget of login posts per client address, shared by every login form (this page and the
# admin's), so that trying many user names is slowed down wherever it is tried; django-axes locks
# a user name tried too often from one address. The API's token endpoint has a DRF throttle.
login_rate_limit = ratelimit(
    group="login", key="ip", rate=settings.LOGIN_RATE_LIMIT, method="POST", block=True
)
login = login_rate_limit(
    auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True)
)


@login_required
def inbox(request):
    page = Paginator(request.user.notifications.all(), INBOX_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "crumbs": [(_("Messages"), None)]}
    return render(request, "accounts/inbox.html", context)


@login_required
@require_POST
def open_notification(request, pk):
    """Mark one message read and follow its link (only to this site)."""
    notification = get_object_or_404(request.user.notifications, pk=pk)
    notification_mark_read(user=request.user, notification_ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("accounts:inbox")


@login_required
@require_POST
def mark_all_read(request):
    notification_mark_read(user=request.user)
    return redirect("accounts:inbox")
