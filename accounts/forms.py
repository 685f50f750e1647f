from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils import translation

from portal.forms import BootstrapFormMixin

from .models import User


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
