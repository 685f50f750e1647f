"""Numbers as people read them, the one library every page formats figures with.

Amounts are stored in yuan; officials read them in 万元 (tables, headline figures) or 亿元
(province totals), English readers in millions or billions of CNY. The exact yuan stays on hover
(and in the exports, which never go through this library). Counts show without decimals,
percentages with one, every figure with thousands separators. Cells leave the unit to their
column header (``{% money_unit %}``); figures standing alone carry it (``officials_amount``,
``measure``).
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from portal import policy
from portal.money import BILLION, MILLION, WAN, YI, round_money

register = template.Library()

# The officials' units: the divisor and the unit's name, in Chinese and in English.
SCALES = {
    "万": {"zh": (WAN, "万元"), "en": (MILLION, "CNY million")},
    "亿": {"zh": (YI, "亿元"), "en": (BILLION, "CNY billion")},
}
NOTHING = "—"
PERCENT_UNIT = "%"


def reads_chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def _scale(scale: str) -> tuple[Decimal, str]:
    return SCALES[scale or "万"]["zh" if reads_chinese() else "en"]


def _decimal(value) -> Decimal | None:
    """``value`` as a Decimal; None for an empty value. Raises for what is no number."""
    if value is None or value == "":
        return None
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def figure_filter(show):
    """A filter formatting a number through ``show(number, argument)``: an empty value as —, a
    value that is no number as it is (a template never breaks on a figure)."""

    def number_filter(value, argument=None) -> str:
        try:
            number = _decimal(value)
        except (InvalidOperation, TypeError, ValueError):
            return str(value)
        return NOTHING if number is None else show(number, argument)

    number_filter.__name__, number_filter.__doc__ = show.__name__, show.__doc__
    return number_filter


def scaled(amount: Decimal, scale: str = "万") -> Decimal:
    """The amount in yuan divided into the officials' unit, to the cent of that unit."""
    divisor, _unit = _scale(scale)
    return round_money(amount / divisor)


def exact_yuan(amount: Decimal) -> str:
    return f"¥{amount:,.2f}"


@register.filter
@figure_filter
def yuan(amount: Decimal, _argument=None) -> str:
    """An amount someone pays or receives, exact to the fen: ¥5,000.00 (prices, vouchers)."""
    return exact_yuan(amount)


@register.filter
@figure_filter
def money(amount: Decimal, scale: str | None) -> str:
    """A table cell's amount: 4,489.96 (万元; ``money:"亿"`` for 亿元), the unit left to the
    column header, the exact yuan on hover since allocations are checked to the fen."""
    return format_html(
        '<span title="{}">{}</span>', exact_yuan(amount), f"{scaled(amount, scale or '万'):,}"
    )


@register.simple_tag
def money_unit(scale: str = "万") -> str:
    """The unit ``money`` shows amounts in, for the column header: 万元 or CNY million."""
    return _scale(scale)[1]


@register.filter
@figure_filter
def officials_amount(amount: Decimal, scale: str | None) -> str:
    """An amount standing alone, with its unit: 4,489.96万元 (Chinese) or CNY 44.90 million
    (English). Decimal all the way: no float rounds a budget."""
    figure = scaled(amount, scale or "万")
    unit = _scale(scale or "万")[1]
    return f"{figure:,}{unit}" if reads_chinese() else f"CNY {figure:,} {unit.split()[-1]}"


@register.filter
@figure_filter
def count(number: Decimal, _argument=None) -> str:
    """A count: whole, with thousands separators (227, not 227.00)."""
    return f"{number.quantize(Decimal(1)):,}"


@register.filter
@figure_filter
def percent(number: Decimal, _argument=None) -> str:
    """A percentage (the number is already in per cent) with one decimal: 12.5%."""
    return f"{number.quantize(Decimal('0.1')):,}%"


@register.filter
@figure_filter
def number(number: Decimal, places=None) -> str:
    """A measured figure (a score, an average) to ``places`` decimals (2 unless told)."""
    places = 2 if places in (None, "") else int(places)
    return f"{number.quantize(Decimal(1).scaleb(-places)):,}"


@register.filter
@figure_filter
def as_entered(value: Decimal, indicator) -> str:
    """An indicator's value in the unit the operator reports it in (yuan for amounts), with
    thousands separators: whole for counts, two decimals otherwise (an indicator no longer in
    the catalogue counts as the latter)."""
    return count(value) if getattr(indicator, "whole_number", False) else f"{value:,.2f}"


@register.filter
@figure_filter
def measure(value: Decimal, indicator) -> str:
    """An indicator's value as people read it, with its unit: amounts in 万元 (exact yuan on
    hover), percentages with one decimal, counts whole, other figures with two decimals."""
    if indicator is None:  # a result computed with an indicator since removed
        return as_entered(value, indicator)
    if indicator.is_money:
        return format_html("{} {}", money(value), money_unit())
    if indicator.unit in (PERCENT_UNIT, "％"):
        return percent(value)
    return f"{as_entered(value, indicator)} {indicator.unit}"


@register.filter
def amount_for(value, user) -> str:
    """Officials read sums in their unit; enterprises and operators read the exact yuan they pay
    or receive."""
    if policy.can(user, "dashboard.view"):  # the dashboard's readers: officials
        return officials_amount(value or 0)
    try:
        return exact_yuan(Decimal(value or 0))
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


# The names the funding pages first knew these filters by (other branches still add uses).
register.filter("officials_figure", money)
register.simple_tag(money_unit, name="officials_unit")
