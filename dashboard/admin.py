from django.contrib import admin

from .models import RegionFigure


@admin.register(RegionFigure)
class RegionFigureAdmin(admin.ModelAdmin):
    list_display = ["year", "region", "measure", "value", "refreshed_at"]
    list_filter = ["year"]
    search_fields = ["measure", "region__code"]
    list_select_related = ["region"]
