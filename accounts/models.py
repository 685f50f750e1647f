from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tokens import token_revoke
from portal.audit import audited


class Role(models.TextChoices):
    PROVINCIAL_OFFICIAL = "provincial_official", _("Provincial official")
    REGIONAL_OFFICIAL = "regional_official", _("City/county official")
    OPERATOR = "operator", _("Complex operator")
    ENTERPRISE = "enterprise", _("Enterprise user")
    # A reviewer of the province's expert pool (evaluation.Expert holds the profile).
    EXPERT = "expert", _("Expert")
    STAFF = "staff", _("Portal staff")


class TeamRole(models.TextChoices):
    """A person's place in the team of a complex or an enterprise (the policy narrows the
    operator's or enterprise user's actions by it: ``accounts.policy.TEAM_LIMITS``)."""

    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    STAFF = "staff", _("Staff member")


# The roles whose accounts belong to a team, and the anchor the team shares.
TEAM_ANCHORS = {Role.OPERATOR: "complex", Role.ENTERPRISE: "enterprise"}


class PortalUserManager(UserManager):
    """Who holds a role, for the notifications that go to a role (not who may do what: that is
    ``portal.policy``'s)."""

    def operators_of(self, *complex_ids: int):
        return self.filter(role=Role.OPERATOR, complex_id__in=complex_ids)

    def users_of_enterprise(self, enterprise_id: int):
        return self.filter(role=Role.ENTERPRISE, enterprise_id=enterprise_id)

    def provincial_officials(self):
        return self.filter(role=Role.PROVINCIAL_OFFICIAL, is_active=True)

    def regional_officials_over(self, region_code: str):
        """The county and city officials whose subtree holds the region (GB/T 2260: a county's
        city is its first four digits)."""
        return self.filter(
            role=Role.REGIONAL_OFFICIAL, region_id__in={region_code, f"{region_code[:4]}00"}
        )

    def team_of(self, user: "User"):
        """The accounts of ``user``'s team (the complex's or the enterprise's), ``user``
        included; none for a role without a team."""
        anchor = TEAM_ANCHORS.get(user.role)
        if anchor is None:
            return self.none()
        return self.filter(role=user.role, **{f"{anchor}_id": getattr(user, f"{anchor}_id")})

    def officials(self):
        """The accounts of officials, province and city/county, active or not."""
        return self.filter(role__in=[Role.PROVINCIAL_OFFICIAL, Role.REGIONAL_OFFICIAL])

    def official_anchor(self, region) -> dict:
        """The role and region of an official appointed to ``region``: the province's own
        region makes a provincial official, any other a city/county one."""
        if region.parent_id is None:
            return {"role": Role.PROVINCIAL_OFFICIAL, "region": None}
        return {"role": Role.REGIONAL_OFFICIAL, "region": region}

    def new_expert_user(self, **fields) -> "User":
        """An unsaved account of a member of the province's expert pool."""
        return self.model(role=Role.EXPERT, **fields)

    def new_enterprise_user(self, **fields) -> "User":
        """An unsaved account of an enterprise's contact (the registration saves it)."""
        return self.model(role=Role.ENTERPRISE, **fields)


# Roles and their anchors are audited; logins (last_login) and password changes are not history.
@audited(
    fields=["username", "role", "team_role", "region", "complex", "enterprise", "is_active",
            "is_staff", "is_superuser"],
    model_name="UserRoleEvent",
)  # fmt: skip
class User(AbstractUser):
    """A person using the portal, with one role and the anchor that role is bound to."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.STAFF)
    region = models.ForeignKey(
        "complexes.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
        help_text=_("For city/county officials: they see this region's whole subtree."),
    )
    complex = models.ForeignKey(
        "complexes.Complex",
        verbose_name=_("complex"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operators",
    )
    enterprise = models.ForeignKey(
        "services.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    team_role = models.CharField(
        _("team role"),
        max_length=16,
        choices=TeamRole.choices,
        default=TeamRole.OWNER,
        help_text=_("For the people of a complex or an enterprise: what they may do there."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # Blank: whatever the browser asks for. Set, the portal switches to it when the person
    # signs in, and writes their messages in it.
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the portal and of your messages."),
    )
    notify_by_email = models.BooleanField(
        _("notify me by email"),
        default=True,
        help_text=_("Besides the portal's inbox, send my messages to my email address."),
    )

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_role_anchor",
                condition=(
                    Q(role=Role.REGIONAL_OFFICIAL, region__isnull=False)
                    | Q(role=Role.OPERATOR, complex__isnull=False)
                    | Q(role=Role.ENTERPRISE, enterprise__isnull=False)
                    | Q(role__in=[Role.PROVINCIAL_OFFICIAL, Role.EXPERT, Role.STAFF])
                ),
            )
        ]

    def save(self, *args, **kwargs):
        # set_password() keeps the new password in _password until the save, where Django tells
        # the password validators about it: every way of changing a password (the admin, the
        # password forms, changepassword, the services) ends here. The API token issued under
        # the old password stops working.
        password_changed = self._password is not None and not self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            if password_changed:
                token_revoke(user=self)

    def set_awaiting_claim(self) -> None:
        """No role anchor and no sign-in: a claimant waits for an official's decision."""
        self.role, self.is_active = Role.STAFF, False

    def set_enterprise_user(self, enterprise) -> None:
        """The enterprise's (active) user, as an awarded claim makes the claimant."""
        self.role, self.enterprise, self.is_active = Role.ENTERPRISE, enterprise, True

    @property
    def team_anchor(self):
        """The complex or enterprise whose team this account belongs to, if any."""
        anchor = TEAM_ANCHORS.get(self.role)
        return getattr(self, anchor) if anchor else None

    @property
    def is_provincial_official(self) -> bool:
        return self.role == Role.PROVINCIAL_OFFICIAL

    @property
    def is_regional_official(self) -> bool:
        return self.role == Role.REGIONAL_OFFICIAL

    @property
    def is_official(self) -> bool:
        return self.role in (Role.PROVINCIAL_OFFICIAL, Role.REGIONAL_OFFICIAL)

    @property
    def is_operator(self) -> bool:
        return self.role == Role.OPERATOR

    @property
    def is_enterprise_user(self) -> bool:
        return self.role == Role.ENTERPRISE


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message in a user's in-portal inbox, written in the recipient's language (also sent
    by email when the user has an address and wants their messages by email)."""

    recipient = models.ForeignKey(
        User, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Set in the transaction that sends the email: a redelivered task finds it and sends nothing.
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox")]

    def __str__(self):
        return self.subject


class InvitationQuerySet(models.QuerySet):
    def pending(self, *, now=None):
        return self.filter(accepted_at__isnull=True, expires_at__gt=now or timezone.now())


@audited()
class Invitation(models.Model):
    """An invitation by email to open an account: a colleague joining the team of a complex or
    an enterprise, or an official the province appoints. The link carries a secret whose hash
    alone is stored; it works once, until ``expires_at``."""

    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    team_role = models.CharField(
        _("team role"), max_length=16, choices=TeamRole.choices, default=TeamRole.STAFF
    )
    region = models.ForeignKey(
        "complexes.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    complex = models.ForeignKey(
        "complexes.Complex",
        verbose_name=_("complex"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "services.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, verbose_name=_("invited by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        verbose_name=_("accepted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.email

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    def new_user(self, **fields) -> User:
        """The (unsaved) account this invitation opens: its role, anchor and team role."""
        return User(
            role=self.role,
            team_role=self.team_role if self.role in TEAM_ANCHORS else TeamRole.OWNER,
            region=self.region,
            complex=self.complex,
            enterprise=self.enterprise,
            email=self.email,
            **fields,
        )
