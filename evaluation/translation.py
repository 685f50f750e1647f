from modeltranslation.translator import TranslationOptions, register

from .models import AdjustmentItem, Indicator


@register(Indicator)
class IndicatorTranslationOptions(TranslationOptions):
    fields = ("name", "unit", "definition")


@register(AdjustmentItem)
class AdjustmentItemTranslationOptions(TranslationOptions):
    fields = ("name",)
