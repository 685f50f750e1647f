"""Every page the page matrix lists, as every role that may open it, in both languages: the
chrome speaks the page's language only and shows no internal code.

``test_language_walk`` reads each page once, as one role; pages differ by role (an official's
review forms, an operator's edit form, an enterprise's voucher), so here every role reads every
page it opens (the page matrix's 200 answers, on both sides of its world). What the world stored
is data and is taken out before the text is read; codes are never data here: an identifier such
as ``services_to_enterprises`` on a page is a finding in either language.
"""

import re

import pytest
from django.apps import apps
from django.db import models, transaction
from django.test import Client
from django.urls import reverse

from tests.security.test_page_matrix import ARGUMENTS, EXPECTED
from tests.security.world import ROLES, build_world

from .test_language_walk import CJK, LANGUAGE_NAMES, LATIN_IN_CHINESE, LATIN_WORD, ReadableText

pytestmark = pytest.mark.django_db

# An internal identifier: lower-case words joined by underscores (indicator, step, field codes).
INTERNAL_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
OWN_APPS = ("accounts", "complexes", "services", "evaluation", "funding", "portal")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """The world's business licences are written to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path


class EveryText(ReadableText):
    """The readable text, code elements included: a code is no less a code inside <code>."""

    NOT_READ = {"script", "style"}


def stored_strings() -> set[str]:
    """Every text the database holds in the portal's own tables, but for codes and choices:
    names, descriptions, reasons, user names are data, shown as stored."""
    strings = set()
    for model in apps.get_models():
        if model._meta.app_label not in OWN_APPS:
            continue
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, (models.CharField, models.TextField))
            and not isinstance(field, models.SlugField)
            and not field.choices
        ]
        for row in model._default_manager.values_list(*fields) if fields else ():
            strings.update(value for value in row if isinstance(value, str) and value.strip())
    return strings


def without_data(text: str, data: list[str]) -> str:
    for value in data:
        text = text.replace(value, " ")
    for name in LANGUAGE_NAMES:
        text = text.replace(name, " ")
    return text


def pages_by_role(side_a: dict, side_b: dict) -> list[tuple[str, str, dict]]:
    """(role, route name, arguments) of every page the matrix answers 200 to a GET."""
    found = []
    for (method, name), expected in EXPECTED.items():
        if method != "GET":
            continue
        sides = [None] if name not in ARGUMENTS else [side_a, side_b]
        for side, answers in zip(sides, expected.split(" | "), strict=True):
            for role, answer in zip(ROLES, answers.split(), strict=True):
                if answer == "200":
                    found.append((role, name, {} if side is None else ARGUMENTS[name](side)))
    return found


def leftovers(language: str) -> dict[str, list[str]]:
    users, side_a, side_b = build_world()
    # The pages' arguments complete the world (a decision document is published on first ask):
    # what they store is data too.
    pages = pages_by_role(side_a, side_b)
    data = sorted(stored_strings(), key=len, reverse=True)
    clients = {}
    for role, user in users.items():
        clients[role] = Client(HTTP_ACCEPT_LANGUAGE=language)
        if user is not None:
            clients[role].force_login(user)
    found: dict[str, set[str]] = {}
    for role, name, kwargs in pages:
        with transaction.atomic():
            response = clients[role].get(reverse(name, kwargs=kwargs))
            transaction.set_rollback(True)
        if "text/html" not in response.get("Content-Type", ""):
            continue  # files (Excel, PDF) are data
        parser = EveryText()
        parser.feed(response.content.decode())
        for part in parser.parts:
            text = without_data(part, data)
            words = set(INTERNAL_CODE.findall(text))
            if language == "en":
                words |= set(CJK.findall(text))
            else:
                words |= {w for w in LATIN_WORD.findall(text) if w not in LATIN_IN_CHINESE}
            if words:
                found.setdefault(f"{role} {name}", set()).update(words)
    return {page: sorted(words) for page, words in sorted(found.items())}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_role_reads_every_page_in_one_language_without_codes(language):
    found = leftovers(language)
    assert found == {}, "\n".join(f"{page}: {words}" for page, words in found.items())
