from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Background jobs of every kind: who exported which table with which filters, who started
    which recomputation, how each went. A record to read, not to edit."""

    list_display = [
        "pk",
        "kind",
        "title",
        "owner",
        "status",
        "progress",
        "rows",
        "created_at",
        "finished_at",
    ]
    list_filter = ["kind", "status", "export"]
    list_select_related = ["owner"]
    search_fields = ["owner__username", "title"]
    date_hierarchy = "created_at"
    readonly_fields = [*(field.name for field in Job._meta.fields), "link"]

    @admin.display(description=_("download link"))
    def link(self, job: Job) -> str:
        return job.link

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
