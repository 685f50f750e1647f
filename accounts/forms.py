from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portal.forms import BootstrapFormMixin

from .models import TeamRole, User


class LoginForm(BootstrapFormMixin, auth_forms.AuthenticationForm):
    pass


class PasswordResetForm(BootstrapFormMixin, auth_forms.PasswordResetForm):
    """Reset links point at PORTAL_BASE_URL, never at the Host the request named (a forged
    Host would otherwise send people's reset tokens to an attacker's site), and each email is
    written in its recipient's language."""

    def save(self, **kwargs):
        base = urlsplit(settings.PORTAL_BASE_URL)
        kwargs["domain_override"] = base.netloc + base.path.rstrip("/")
        kwargs["use_https"] = base.scheme == "https"
        return super().save(**kwargs)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with translation.override(context["user"].language or translation.get_language()):
            context["site_name"] = str(settings.PORTAL_NAME)
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class SetPasswordForm(BootstrapFormMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(BootstrapFormMixin, auth_forms.PasswordChangeForm):
    pass


class ProfileForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "phone", "language", "notify_by_email"]


class TeamInvitationForm(BootstrapFormMixin, forms.Form):
    email = forms.EmailField(label=_("Email of the colleague"))
    team_role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (TeamRole.MANAGER, TeamRole.MANAGER.label),
            (TeamRole.STAFF, TeamRole.STAFF.label),
        ],
        initial=TeamRole.STAFF,
        help_text=_(
            "Managers may do everything you may but manage colleagues; staff members handle "
            "requests and the catalogue, but do not submit the annual report."
        ),
    )


class TeamRoleForm(forms.Form):
    team_role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (TeamRole.MANAGER, TeamRole.MANAGER.label),
            (TeamRole.STAFF, TeamRole.STAFF.label),
        ],
    )


class OfficialInvitationForm(BootstrapFormMixin, forms.Form):
    email = forms.EmailField(label=_("Email of the official"))
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=User._meta.get_field("region").related_model.objects.order_by("code"),
        help_text=_(
            "The province for a provincial official; a city or county for an official who sees "
            "that region and everything under it."
        ),
    )


class InvitationAcceptForm(BootstrapFormMixin, forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned
