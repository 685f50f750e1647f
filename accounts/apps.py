from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # The shared library (export jobs) tells people things through the inbox of this app.
        from portal import policy
        from portal.notifications import notifier_register

        from .notifications import notify
        from .policy import RULES, TEAM_LIMITS, TEAM_ROLES

        notifier_register(notify)
        policy.register(RULES)
        policy.register_team_limits(TEAM_LIMITS, roles=TEAM_ROLES)
