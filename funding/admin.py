from django.contrib import admin

from .models import Allocation, AllocationDecision, RuleSet


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    """Read-only: a change is a new version, made through the funding pages or the API."""

    list_display = ["year", "version", "pool", "floor", "cap", "created_by", "created_at"]
    list_filter = ["year"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AllocationDecision)
class AllocationDecisionAdmin(admin.ModelAdmin):
    list_display = ["year", "decided_at", "decided_by", "rule_set", "total", "replaces"]
    list_filter = ["year"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Allocation)
class AllocationAdmin(admin.ModelAdmin):
    list_display = ["complex", "year", "status", "kind", "grade", "provincial_amount", "compliant"]
    list_filter = ["year", "status", "kind", "grade", "compliant"]
    search_fields = ["complex__code", "complex__name"]
    list_select_related = ["complex"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
