"""Reading the numbers people send: query parameters, form fields and decimal values.

Python's own readers accept more than a person means, or fail where a view does not expect
it: ``"²".isdigit()`` is true but ``int("²")`` raises; ``int()`` takes any size, so a year of
twenty digits reaches PostgreSQL out of range; ``Decimal("1e400")`` is finite but cannot be
quantized in the default 28-digit context (``InvalidOperation``) nor stored in a
``max_digits`` column (``DataError``). Whatever a person sends is read here, and a value that
is not what the portal reads is refused with a translated message naming the field: 400 on
pages and in the API (``portal.views.bad_request``, Django's ``handler400``).
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation, localcontext

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.utils.translation import gettext as _

# The years a page or the API reads: wide around the complexes' (the first were approved in
# 2017), narrow enough for any date arithmetic and integer column.
FIRST_YEAR = 2000
LAST_YEAR = 2100
# The largest id or counter PostgreSQL's integer column holds.
LARGEST_ID = 2**31 - 1
ASCII_INTEGER = re.compile(r"[0-9]{1,18}")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Longer text is not a number anyone types; refusing it first keeps parsing cheap.
LONGEST_NUMBER_TEXT = 64


class InvalidParameter(BadRequest):
    """A query parameter or form field that is not what the view reads (HTTP 400)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def whole_number(params, name: str, *, minimum: int, maximum: int, default=None):
    """The parameter ``name`` of a QueryDict as an int from ``minimum`` to ``maximum``;
    ``default`` when it is absent or empty. Only ASCII digits are read."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if ASCII_INTEGER.fullmatch(raw) is None or not minimum <= int(raw) <= maximum:
        raise InvalidParameter(
            name,
            _("“%(name)s” must be a whole number from %(minimum)d to %(maximum)d.")
            % {"name": name, "minimum": minimum, "maximum": maximum},
        )
    return int(raw)


class WholeNumberField(forms.Field):
    """A form field read as ``whole_number`` reads a parameter: ASCII digits only, from
    ``minimum`` to ``maximum`` (filter forms of lists, whose refusals answer 400)."""

    widget = forms.NumberInput

    def __init__(self, *, minimum: int, maximum: int, **kwargs):
        self.minimum, self.maximum = minimum, maximum
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if ASCII_INTEGER.fullmatch(text) is None or not self.minimum <= int(text) <= self.maximum:
            raise ValidationError(
                _("Enter a whole number from %(minimum)d to %(maximum)d.")
                % {"minimum": self.minimum, "maximum": self.maximum},
                code="invalid",
            )
        return int(text)

    def prepare_value(self, value):
        # As a query string carries it (a job's stored filters are read back by this field).
        return "" if value is None else str(value)


def year_field(**kwargs) -> WholeNumberField:
    return WholeNumberField(minimum=FIRST_YEAR, maximum=LAST_YEAR, **kwargs)


def year(params, name: str = "year", *, default=None):
    return whole_number(params, name, minimum=FIRST_YEAR, maximum=LAST_YEAR, default=default)


def iso_date(params, name: str):
    """The parameter ``name`` as a date written YYYY-MM-DD, or None when absent or empty."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    not_a_date = _("“%(name)s” must be a date (YYYY-MM-DD).") % {"name": name}
    if ISO_DATE.fullmatch(raw) is None:
        raise InvalidParameter(name, not_a_date)
    try:
        day = date.fromisoformat(raw)  # the pattern lets 2026-13-45 through
    except ValueError as error:
        raise InvalidParameter(name, not_a_date) from error
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidParameter(
            name,
            _("“%(name)s” must be a date from %(first)d to %(last)d.")
            % {"name": name, "first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return day


def bounded_decimal(value, *, max_digits: int, decimal_places: int) -> Decimal:
    """``value`` (text or a number) as a Decimal that a ``DecimalField(max_digits,
    decimal_places)`` stores unchanged, or a ValidationError saying why not. Thousands
    separators are allowed; NaN, infinities, more places and more digits are not."""
    if isinstance(value, bool):
        raise ValidationError(_("Enter a number."), code="invalid")
    text = str(value).strip().replace(",", "")
    if len(text) > LONGEST_NUMBER_TEXT:
        raise ValidationError(_("Enter a number."), code="invalid")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError) as error:
        raise ValidationError(_("Enter a number."), code="invalid") from error
    if not number.is_finite():
        raise ValidationError(_("Enter a number."), code="invalid")
    whole_digits = max_digits - decimal_places
    # adjusted() is the exponent of the leading digit: 1e400 has 401 digits before the point.
    if number and number.adjusted() >= whole_digits:
        raise ValidationError(
            _("Enter a number with at most %(digits)d digits before the decimal point.")
            % {"digits": whole_digits},
            code="max_whole_digits",
        )
    places = Decimal(1).scaleb(-decimal_places)
    with localcontext() as context:
        # Enough precision for any number that passed the check above, however many places
        # it was sent with (1e-400 rounds to zero instead of raising).
        context.prec = max_digits + LONGEST_NUMBER_TEXT
        rounded = number.quantize(places)
    if rounded != number:
        raise ValidationError(
            _("Use at most %(places)d decimal places.") % {"places": decimal_places},
            code="max_decimal_places",
        )
    return rounded
