from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import (
    Complex,
    ComplexStatusChange,
    Institution,
    Region,
    RemovalHearing,
    SharedInstrument,
    TalentTeam,
)


@admin.register(Region)
class RegionAdmin(TranslationAdmin):
    list_display = ["code", "name", "level", "parent", "mountain_26"]
    list_filter = ["level", "mountain_26"]
    search_fields = ["code", "name_zh_hans", "name_en"]
    list_select_related = ["parent"]


class StatusChangeInline(admin.TabularInline):
    model = ComplexStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "reason", "changed_by", "changed_at"]

    def has_add_permission(self, request, obj=None):
        return False


class HearingInline(admin.TabularInline):
    """Hearings are the province's record in the portal (complexes.services); read-only here."""

    model = RemovalHearing
    extra = 0
    can_delete = False
    readonly_fields = ["held_on", "outcome", "recorded_by", "recorded_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complex)
class ComplexAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "category", "region", "status"]
    list_filter = ["level", "category", "status", "construction_mode"]
    search_fields = ["code", "name", "industry", "host_unit"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    # Status moves only through its state machine, which records the reason; a predecessor is
    # linked only by applying again (complexes.services.complex_reapply).
    readonly_fields = ["status", "predecessor"]
    inlines = [StatusChangeInline, HearingInline]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "complex", "credit_code"]
    list_filter = ["type"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["complex"]
    autocomplete_fields = ["complex"]


@admin.register(SharedInstrument)
class SharedInstrumentAdmin(admin.ModelAdmin):
    list_display = ["name", "complex", "original_value", "open_for_sharing"]
    list_select_related = ["complex"]
    autocomplete_fields = ["complex", "institution"]
    search_fields = ["name"]


@admin.register(TalentTeam)
class TalentTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "leader", "complex", "size"]
    list_select_related = ["complex"]
    autocomplete_fields = ["complex"]
    search_fields = ["name", "leader"]
