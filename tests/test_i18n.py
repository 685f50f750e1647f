"""Chinese by default, English on request, and no string left untranslated."""

import ast
import gettext
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(
    path
    for path in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")
    if ".venv" not in path.parts and ".data" not in path.parts
)

pytestmark = pytest.mark.django_db


def catalogue_entries(catalogue: Path):
    entries, current = [], {}
    for line in [*catalogue.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if current:
                entries.append(current)
            current = {}
        elif line.startswith("#,"):
            current["flags"] = line
        elif line.startswith(("msgctxt ", "msgid ", "msgstr ", "msgstr[0] ", '"')):
            key = line.split(" ", 1)[0] if not line.startswith('"') else current.get("_last")
            value = line.split(" ", 1)[1] if not line.startswith('"') else line
            current[key] = current.get(key, "") + value.strip('"')
            current["_last"] = key
    return [entry for entry in entries if entry.get("msgid")]


def test_every_app_and_the_templates_have_a_catalogue():
    folders = {path.relative_to(ROOT).parts[0] for path in CATALOGUES}
    assert {"locale", "portal", "accounts", "complexes", "services"} <= folders


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_chinese_message_is_translated_and_not_fuzzy(catalogue):
    entries = catalogue_entries(catalogue)
    untranslated = [e["msgid"] for e in entries if not (e.get("msgstr") or e.get("msgstr[0]"))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", "")]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_compiled_catalogue_matches_its_source(catalogue):
    with catalogue.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        entry["msgid"]
        for entry in catalogue_entries(catalogue)
        if "msgstr" in entry and compiled_translation(compiled, entry) != unescape(entry["msgstr"])
    ]
    assert stale == [], "run `make messages` to recompile the catalogue"


def compiled_translation(compiled: gettext.GNUTranslations, entry: dict) -> str:
    if "msgctxt" in entry:
        return compiled.pgettext(unescape(entry["msgctxt"]), unescape(entry["msgid"]))
    return compiled.gettext(unescape(entry["msgid"]))


def unescape(text: str) -> str:
    return ast.literal_eval(f'"{text}"')


def test_pages_default_to_chinese_and_switch_to_english(client):
    chinese = client.get("/complexes/").content.decode()
    assert 'lang="zh-CN"' in chinese and "综合体名录" in chinese
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/complexes/"})
    assert response.status_code == 302
    english = client.get("/complexes/").content.decode()
    assert 'lang="en"' in english and "Directory of complexes" in english
    assert "综合体名录" not in english


def test_api_errors_follow_accept_language(api_client):
    chinese = api_client.post("/api/v1/complexes/", {}, format="json")
    english = api_client.post("/api/v1/complexes/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert chinese.status_code == english.status_code == 401
    assert chinese.json()["detail"] != english.json()["detail"]
    assert english.json()["detail"] == "Authentication credentials were not provided."


def test_a_choice_label_follows_the_readers_language_each_call():
    """``portal.models.QuickChoiceLabels`` reads a field's choices once, still translated in
    the language of each call; a value outside the choices shows as it is."""
    from django.utils import translation

    from complexes.models import Complex, Status

    complex_ = Complex(status=Status.OPERATING)
    for language, label in [("en", "Operating (accepted)"), ("zh-hans", "已验收运营")] * 2:
        with translation.override(language):
            assert complex_.get_status_display() == label
    assert Complex(status="archived").get_status_display() == "archived"
