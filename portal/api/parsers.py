"""The API's JSON parser: bounded in size and in nesting before ``json`` reads the body.

``json.loads`` recurses once per level of nesting: a body of 50,000 ``[`` raises RecursionError,
which DRF does not turn into a 400 (it only catches ValueError), and anything that walks the
parsed data recurses again. No body the portal reads nests more than a few levels, so one
deeper than ``MAX_DEPTH`` is refused by a flat scan first. The size is bounded before: DRF
hands a JSON parser ``request.body``, which Django refuses above ``DATA_UPLOAD_MAX_MEMORY_SIZE``
(``RequestDataTooBig``, a 400 from ``portal.views.bad_request``).
"""

import math
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

MAX_DEPTH = 64
# Strings first (their brackets are text), then the brackets that open and close a level. A
# string left open runs to the end of the body, so each character is looked at once, whatever
# the body (possessive repeats never backtrack).
JSON_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)|[\[\]{}]', re.DOTALL)
OPENING = frozenset("[{")


def nesting_depth_exceeds(text: str, limit: int) -> bool:
    depth = 0
    for match in JSON_STRING_OR_BRACKET.finditer(text):
        token = match.group()
        if token in OPENING:
            depth += 1
            if depth > limit:
                return True
        elif token in "]}":
            depth -= 1
    return False


class BoundedJSONParser(parsers.JSONParser):
    """DRF's JSON parser behind a nesting limit, refusing numbers beyond a float; what passes
    is parsed as before."""

    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read()
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = body.decode(encoding)
        except (LookupError, UnicodeDecodeError) as error:
            raise ParseError(_("The request body is not valid JSON.")) from error
        if nesting_depth_exceeds(text, MAX_DEPTH):
            raise ParseError(
                _("The request body nests deeper than %(limit)d levels.") % {"limit": MAX_DEPTH}
            )
        try:
            parse_constant = json.strict_constant if self.strict else None
            return json.loads(text, parse_constant=parse_constant, parse_float=finite_float)
        except NumberBeyondFloat as error:
            raise ParseError(
                _("A number in the request body is too large: %(number)s.") % {"number": error}
            ) from error
        except ValueError as error:
            raise ParseError(_("The request body is not valid JSON.")) from error


class NumberBeyondFloat(ValueError):
    pass


def finite_float(text: str) -> float:
    """A JSON number as Python reads it, refused when it is beyond a float (1e400 is valid
    JSON, and would be read as infinity: no field accepts it, and answering it back is a
    ValueError of the strict JSON renderer)."""
    number = float(text)
    if not math.isfinite(number):
        raise NumberBeyondFloat(text[:20])
    return number
