from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .models import (
    Adjustment,
    AdjustmentItem,
    AnnualReport,
    Evaluation,
    EvaluationScheme,
    Indicator,
    ManagementDecision,
    ReportingPeriod,
    ReportValue,
    SchemeWeight,
)


@admin.register(Indicator)
class IndicatorAdmin(TranslationAdmin):
    list_display = ["code", "name", "unit", "dimension", "source", "higher_is_better"]
    list_filter = ["dimension", "source"]
    search_fields = ["code", "name_zh_hans", "name_en"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["year", "deadline", "opened_by"]


class ReportValueInline(admin.TabularInline):
    model = ReportValue
    extra = 0
    readonly_fields = ["indicator", "value", "comment"]
    can_delete = False


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    """Read-only here: reports change through their workflow (pages and API)."""

    list_display = ["complex", "year", "status", "version", "updated_at"]
    list_filter = ["year", "status"]
    search_fields = ["complex__code", "complex__name"]
    list_select_related = ["complex"]
    inlines = [ReportValueInline]

    def has_change_permission(self, request, obj=None):
        return False


class SchemeWeightInline(admin.TabularInline):
    model = SchemeWeight
    extra = 0


class AdjustmentItemInline(TranslationTabularInline):
    model = AdjustmentItem
    extra = 0


@admin.register(EvaluationScheme)
class EvaluationSchemeAdmin(admin.ModelAdmin):
    list_display = ["category", "year", "version", "normalization", "published_at"]
    list_filter = ["category"]
    inlines = [SchemeWeightInline, AdjustmentItemInline]

    def has_change_permission(self, request, obj=None):
        # A published scheme is superseded (on the scheme page), never altered.
        return obj is None or not obj.is_frozen


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["complex", "year", "status", "category", "score", "rank", "grade"]
    list_filter = ["year", "status", "category", "grade"]
    list_select_related = ["complex"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Adjustment)
class AdjustmentAdmin(admin.ModelAdmin):
    """Read-only here: items are proposed, decided and withdrawn on the portal's pages, where
    the policy says who may (the admin would let any staff account apply points)."""

    list_display = ["complex", "year", "item_code", "status", "proposed_by", "decided_by"]
    list_filter = ["year", "status"]
    list_select_related = ["complex", "proposed_by", "decided_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ManagementDecision)
class ManagementDecisionAdmin(admin.ModelAdmin):
    list_display = ["complex", "year", "kind", "proposal_status", "deadline", "recheck_outcome"]
    list_filter = ["year", "kind", "proposal_status", "recheck_outcome"]
    list_select_related = ["complex"]
    # Re-checks are recorded through rectification_recheck, which moves the complex's status.
    readonly_fields = ["recheck_outcome", "recheck_on", "recheck_note", "recheck_by"]
