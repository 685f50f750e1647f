from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Who exported which table with which filters: a record to read, not to edit."""

    list_display = ["title", "owner", "status", "rows", "size", "created_at", "finished_at"]
    list_filter = ["status", "export"]
    list_select_related = ["owner"]
    search_fields = ["owner__username", "title"]
    date_hierarchy = "created_at"
    readonly_fields = [*(field.name for field in ExportJob._meta.fields), "link"]

    @admin.display(description=_("download link"))
    def link(self, job: ExportJob) -> str:
        return job.link

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
