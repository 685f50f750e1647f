"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

18 characters: registration authority, entity category, 6-digit administrative division code,
9-character organisation code (GB 11714, with its own check character), and a check character
computed over the first 17 with weights 3^i mod 31.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORGANISATION_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
PATTERN = re.compile(rf"^[{ALPHABET}]{{2}}\d{{6}}[{ALPHABET}]{{10}}$")
# What people put between the groups of a code they copy from a licence or a spreadsheet.
SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")
# Room for a pasted code with a separator between every two characters; the check of the
# normalised code says what is wrong with it, instead of a form field cutting it short.
PASTED_MAX_LENGTH = 40


def check_character(first_17: str) -> str:
    total = sum(
        ALPHABET.index(char) * weight for char, weight in zip(first_17, WEIGHTS, strict=True)
    )
    return ALPHABET[(31 - total % 31) % 31]


def organisation_check_character(body: str) -> str:
    """The GB 11714 check character of an 8-character organisation code body."""
    # GB 11714 values letters A–Z as 10–35, unlike the 31-character alphabet of the full code.
    total = sum(
        int(char, 36) * weight for char, weight in zip(body, ORGANISATION_WEIGHTS, strict=True)
    )
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def build(*, authority: str, category: str, division: str, organisation_body: str) -> str:
    """A valid code from its parts (the organisation check and final check are computed)."""
    first_17 = (
        f"{authority}{category}{division}{organisation_body}"
        f"{organisation_check_character(organisation_body)}"
    )
    return first_17 + check_character(first_17)


def normalise(value: str) -> str:
    """The code without spaces or hyphens, in upper case; full-width characters (a Chinese
    input method's) become their ASCII forms."""
    return SEPARATORS.sub("", unicodedata.normalize("NFKC", value or "")).upper()


def validate_credit_code(value: str) -> None:
    code = normalise(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)d."),
            code="length",
            params={"length": len(code)},
        )
    if not PATTERN.match(code):
        raise ValidationError(
            _(
                "This unified social credit code contains characters that are not allowed "
                "(letters I, O, Z, S and V are never used; characters 3–8 are digits)."
            ),
            code="characters",
        )
    if check_character(code[:17]) != code[17]:
        raise ValidationError(
            _(
                "The check character of this unified social credit code is wrong: please re-check it."
            ),
            code="check",
        )
