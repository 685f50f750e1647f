"""Amounts as officials read them: 万元 in Chinese, millions of CNY in English."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal import policy
from portal.money import MILLION, WAN, round_money

register = template.Library()


def reads_chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def scaled(value) -> Decimal | None:
    """The amount in yuan divided into the officials' unit, to the cent of that unit."""
    if value is None or value == "":
        return None
    amount = Decimal(value)
    unit = WAN if reads_chinese() else MILLION
    return round_money(amount / unit)


def in_officials_unit(show):
    """A filter showing an amount through ``show(amount, figure)``: an empty amount as —, a
    value that is no number as it is."""

    def amount_filter(value) -> str:
        try:
            figure = scaled(value)
        except (InvalidOperation, TypeError, ValueError):
            return str(value)
        return "—" if figure is None else show(Decimal(value), figure)

    amount_filter.__name__, amount_filter.__doc__ = show.__name__, show.__doc__
    return amount_filter


@register.filter
@in_officials_unit
def officials_amount(amount: Decimal, figure: Decimal) -> str:
    """A CNY amount in yuan as 4,489.96万元 (Chinese) or CNY 44.90 million (English); an empty
    value as —. Decimal all the way: no float rounds a budget."""
    return f"{figure:,}万元" if reads_chinese() else f"CNY {figure:,} million"


@register.filter
@in_officials_unit
def officials_figure(amount: Decimal, figure: Decimal) -> str:
    """The number of `officials_amount` without its unit, for table cells whose header names
    the unit (`officials_unit`); the exact amount in yuan shows on hover, since allocations are
    checked to the fen."""
    return format_html('<span title="¥{}">{}</span>', f"{amount:,.2f}", f"{figure:,}")


@register.simple_tag
def officials_unit() -> str:
    return _("10,000 CNY") if reads_chinese() else _("CNY million")


@register.filter
def amount_for(value, user) -> str:
    """Officials read sums in their unit; enterprises and operators read the exact yuan they pay
    or receive."""
    if policy.can(user, "dashboard.view"):  # the dashboard's readers: officials
        return officials_amount(value or 0)
    try:
        return f"¥{Decimal(value or 0):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
