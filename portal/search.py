"""Free-text search of the catalogue and the directory: several words match together.

The text is split on whitespace into terms; a row matches when every term is found (case
insensitive) in at least one of the searched fields, each term in whichever field it likes:
"永康 检测" finds Yongkang's testing services.

Chinese is written without spaces, so a term of Chinese characters only, of an even length of
four or more, is also read as two-character words that must each be found: "纺织检测" finds a
textile complex's testing services. A term that matches as a whole always matches so too (its
pieces are in the same field), so the pieces alone decide. Terms of an odd length (or mixed with
Latin letters) match as a whole only: splitting them would guess at word boundaries.
"""

import re
from collections.abc import Sequence
from functools import reduce
from operator import and_, or_

from django.db.models import Q

HAN_ONLY = re.compile(r"^[\u3400-\u9fff]+$")
WORD_LENGTH = 2


def search_terms(text: str) -> list[str]:
    """The terms every one of which must match, Chinese compounds cut into their words."""
    terms = []
    for term in text.split():
        if HAN_ONLY.match(term) and len(term) >= 2 * WORD_LENGTH and len(term) % WORD_LENGTH == 0:
            terms.extend(term[i : i + WORD_LENGTH] for i in range(0, len(term), WORD_LENGTH))
        else:
            terms.append(term)
    return terms


def all_terms_match(text: str, fields: Sequence[str]) -> Q:
    """A condition true when each term of ``text`` is found in at least one of ``fields``."""
    return reduce(
        and_,
        (
            reduce(or_, (Q(**{f"{field}__icontains": term}) for field in fields))
            for term in search_terms(text)
        ),
        Q(),
    )
