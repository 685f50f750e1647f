from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from portal.exceptions import DomainError
from portal.policy import page_requires

from . import selectors
from .forms import (
    InvitationAcceptForm,
    LoginForm,
    OfficialInvitationForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    SetPasswordForm,
    TeamInvitationForm,
    TeamRoleForm,
)
from .models import User
from .notifications import notification_mark_read, portal_link
from .services import invitation_accept as invitation_accept_service
from .services import (
    invitation_by_token,
    official_active_set,
    official_invitation_create,
    team_invitation_create,
    team_member_remove,
    team_member_role_set,
    user_language_set,
    user_profile_update,
)

INBOX_PAGE_SIZE = 25

# One budget of login posts per client address, shared by every login form (this page and the
# admin's), so that trying many user names is slowed down wherever it is tried; django-axes locks
# a user name tried too often from one address. The API's token endpoint has a DRF throttle.
login_rate_limit = ratelimit(
    group="login", key="ip", rate=settings.LOGIN_RATE_LIMIT, method="POST", block=True
)


def remember_language(response, language: str) -> None:
    """The next requests come in the person's language (the cookie Django's set_language view
    sets, which LocaleMiddleware reads before the browser's Accept-Language)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class LoginView(auth_views.LoginView):
    """Signing in switches the portal to the person's preferred language, if they chose one."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.get_user().language:
            remember_language(response, form.get_user().language)
        return response


login = login_rate_limit(LoginView.as_view())


def _reset_email_key(group, request) -> str:
    return request.POST.get("email", "").strip().lower()


def _reset_email_rate(group, request) -> str | None:
    """A form without an address sends no email: nothing to count."""
    return settings.PASSWORD_RESET_EMAIL_RATE_LIMIT if _reset_email_key(group, request) else None


# Reset requests per client address (like the login), and per email address asked for, so that
# neither one client nor many can flood a mailbox.
password_reset = ratelimit(
    group="password_reset",
    key="ip",
    rate=settings.PASSWORD_RESET_RATE_LIMIT,
    method="POST",
    block=True,
)(
    ratelimit(
        group="password_reset_email",
        key=_reset_email_key,
        rate=_reset_email_rate,
        method="POST",
        block=True,
    )(
        # The same page follows whether or not the address belongs to anybody.
        auth_views.PasswordResetView.as_view(
            form_class=PasswordResetForm,
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        )
    )
)
password_reset_done = auth_views.PasswordResetDoneView.as_view()
# A reset signs nobody in: the new password hash ends every session of the account (Django
# checks each session against it) and User.save revokes the API token.
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    form_class=SetPasswordForm, success_url=reverse_lazy("accounts:password_reset_complete")
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view()
# A change keeps the session it was made in (update_session_auth_hash) and ends the others.
password_change = auth_views.PasswordChangeView.as_view(
    form_class=PasswordChangeForm, success_url=reverse_lazy("accounts:password_change_done")
)
password_change_done = auth_views.PasswordChangeDoneView.as_view()


@require_POST
def set_language(request):
    """Django's language switch; a signed-in person's choice is also kept on their account,
    so the portal and their messages speak it from their next sign-in on."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_language_set(user=request.user, language=language)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The signed-in person's own name, contact details, language and notification choices."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_profile_update(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            response = redirect("accounts:profile")
            if user.language:
                translation.activate(user.language)  # the confirmation already in it
                remember_language(response, user.language)
            messages.success(request, _("Your profile has been saved."))
            return response
    context = {"form": form, "crumbs": [(_("My profile"), None)]}
    return render(request, "accounts/profile.html", context)


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


# Teams and official accounts -------------------------------------------------------------------


def _invited(request, invitation, token) -> None:
    """Confirm the invitation and show its link once (the email may not arrive)."""
    link = portal_link(reverse("accounts:invitation_accept", args=[token]))
    messages.success(
        request,
        _("%(email)s has been invited; the link (valid for %(days)s days, once) is: %(link)s")
        % {"email": invitation.email, "days": settings.INVITATION_VALID_DAYS, "link": link},
    )


@login_required
@require_http_methods(["GET", "POST"])
def team(request):
    """The owner's page of their complex's or enterprise's team: colleagues, their roles,
    pending invitations, and a form to invite one more."""
    page_requires(request.user, "team.view")
    form = TeamInvitationForm(request.POST or None)
    if request.method == "POST":
        page_requires(request.user, "team.manage")
        if form.is_valid():
            try:
                invitation, token = team_invitation_create(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                _invited(request, invitation, token)
                return redirect("accounts:team")
    context = {
        "form": form,
        "anchor": request.user.team_anchor,
        "members": selectors.team_members(request.user),
        "invitations": selectors.team_invitations(request.user),
        "role_form": TeamRoleForm(),
        "crumbs": [(_("My team"), None)],
    }
    return render(request, "accounts/team.html", context)


@login_required
@require_POST
def team_member(request, pk, action):
    """The owner changes a colleague's role or removes them from the team."""
    page_requires(request.user, "team.manage")
    member = get_object_or_404(User.objects.team_of(request.user), pk=pk)
    try:
        if action == "remove":
            team_member_remove(actor=request.user, member=member)
            messages.success(request, _("%(name)s has been removed.") % {"name": member})
        else:
            form = TeamRoleForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Choose the colleague's role: manager or staff member."))
            team_member_role_set(actor=request.user, member=member, **form.cleaned_data)
            messages.success(
                request, _("The role of %(name)s has been changed.") % {"name": member}
            )
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("accounts:team")


@login_required
@require_http_methods(["GET", "POST"])
def officials(request):
    """The province's page of the officials' accounts: who they are, their region, whether
    they may sign in; a form to appoint one more."""
    page_requires(request.user, "official.manage")
    form = OfficialInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, token = official_invitation_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            _invited(request, invitation, token)
            return redirect("accounts:officials")
    context = {
        "form": form,
        "officials": selectors.officials(request.user),
        "invitations": selectors.official_invitations(request.user),
        "crumbs": [(_("Officials"), None)],
    }
    return render(request, "accounts/officials.html", context)


@login_required
@require_POST
def official_active(request, pk, action):
    page_requires(request.user, "official.manage")
    official = get_object_or_404(User.objects.officials(), pk=pk)
    try:
        official_active_set(actor=request.user, official=official, active=action == "activate")
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("accounts:officials")


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """The invited person chooses a user name and a password; the link works once."""
    invitation = invitation_by_token(token)
    form = InvitationAcceptForm(request.POST or None)
    if invitation is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = invitation_accept_service(
                token=token,
                username=data["username"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                shown = {"password": "password1"}.get(field, field)
                form.add_error(shown if shown in form.fields else None, problems)
        else:
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("/")
    context = {"form": form, "invitation": invitation, "crumbs": [(_("Invitation"), None)]}
    return render(
        request, "accounts/invitation_accept.html", context, status=200 if invitation else 404
    )
