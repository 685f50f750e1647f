from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Notification, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "get_full_name",
        "role",
        "team_role",
        "region",
        "complex",
        "enterprise",
        "is_active",
    ]
    list_filter = ["role", "is_active", "is_staff"]
    list_select_related = ["region", "complex", "enterprise"]
    autocomplete_fields = ["region", "complex", "enterprise"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("Role and scope"),
            {"fields": ("role", "team_role", "region", "complex", "enterprise", "phone")},
        ),
    )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "created_at", "read_at", "emailed_at"]
    list_select_related = ["recipient"]
    search_fields = ["subject", "recipient__username"]
    readonly_fields = [
        "recipient", "subject", "body", "url", "created_at", "read_at", "emailed_at",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False
