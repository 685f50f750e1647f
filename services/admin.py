from django.contrib import admin

from .models import Enterprise, EnterpriseClaim, VoucherRules


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "region", "size", "high_tech", "tech_sme", "verified"]
    list_filter = ["verified", "size", "high_tech", "tech_sme"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    # Verification is an official's decision on the portal's own pages (scoped and audited).
    readonly_fields = ["verified", "verified_at", "verified_by", "verification_rejected_reason"]


@admin.register(EnterpriseClaim)
class EnterpriseClaimAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "claimant", "status", "created_at", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["enterprise", "claimant", "decided_by"]
    search_fields = ["enterprise__credit_code", "enterprise__name", "claimant__username"]
    readonly_fields = [field.name for field in EnterpriseClaim._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(VoucherRules)
class VoucherRulesAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "max_amount_per_voucher",
        "cap_per_enterprise_per_year",
        "max_share_of_price",
        "validity_days",
    ]
