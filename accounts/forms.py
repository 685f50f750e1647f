from django.contrib.auth.forms import AuthenticationForm

from portal.forms import BootstrapFormMixin


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    pass
