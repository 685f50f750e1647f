from django.contrib import admin

from .models import Enterprise, VoucherRules


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "region", "size", "high_tech", "tech_sme"]
    list_filter = ["size", "high_tech", "tech_sme"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]


@admin.register(VoucherRules)
class VoucherRulesAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "max_amount_per_voucher",
        "cap_per_enterprise_per_year",
        "max_share_of_price",
        "validity_days",
    ]
