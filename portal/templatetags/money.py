"""Amounts as officials read them: 万元 in Chinese, millions of CNY in English."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.translation import get_language

register = template.Library()

TEN_THOUSAND = Decimal(10_000)
MILLION = Decimal(1_000_000)
CENT = Decimal("0.01")


@register.filter
def officials_amount(value) -> str:
    """A CNY amount in yuan as 4,489.96万元 (Chinese) or CNY 44.90 million (English); an empty
    value as —. Decimal all the way: no float rounds a budget."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    if (get_language() or "zh-hans").startswith("zh"):
        return f"{(amount / TEN_THOUSAND).quantize(CENT, ROUND_HALF_UP):,}万元"
    return f"CNY {(amount / MILLION).quantize(CENT, ROUND_HALF_UP):,} million"
