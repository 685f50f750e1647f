"""Attachments: type by extension and by content, size limit, generated names, scoped download."""

import importlib
import io
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches

import config.urls
from services.models import ServiceRequest

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def ooxml(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # A fixed date: the bytes go into test ids, which every xdist process must see alike.
        for name, text in (
            ("[Content_Types].xml", "<Types/>"),
            (f"{folder}document.xml", "<document/>"),
        ):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SERVICE_ATTACHMENT_MAX_BYTES = 64 * 1024
    return tmp_path


def submit(api_as, world, name, content):
    return api_as(world["enterprise_user"]).post(
        "/api/v1/service-requests/",
        {
            "offering": world["offering"].pk,
            "description": "请检测附件所列样品。",
            "attachment": SimpleUploadedFile(name, content),
        },
        format="multipart",
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("检测需求.pdf", PDF),
        ("photo.PNG", PNG),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 16),
        ("spec.docx", ooxml("word/")),
        ("samples.xlsx", ooxml("xl/")),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16),
    ],
)
def test_accepted_types_are_stored_under_a_generated_name(api_as, world, name, content):
    response = submit(api_as, world, name, content)
    assert response.status_code == 201, response.content
    stored = ServiceRequest.objects.get(pk=response.json()["id"])
    assert stored.attachment_name == name
    assert stored.attachment.name.startswith("service-requests/")
    assert name.rsplit(".", 1)[0] not in stored.attachment.name
    assert stored.attachment.name.endswith(name.rsplit(".", 1)[1].lower())
    assert response.json()["attachment_url"] == f"/api/v1/service-requests/{stored.pk}/attachment/"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("run.exe", b"MZ\x90\x00", "PDF"),
        ("page.html", b"<html></html>", "PDF"),
        ("fake.pdf", b"<html><script>alert(1)</script></html>", "不是 PDF"),
        ("fake.png", PDF, "不是 PNG"),
        ("fake.docx", ooxml("xl/"), "不是 DOCX"),
        ("broken.xlsx", b"PK\x03\x04not really a zip", "不是 XLSX"),
        ("big.pdf", PDF + b"0" * 70 * 1024, "太大"),
    ],
)
def test_wrong_forged_or_too_large_files_are_refused(api_as, world, name, content, reason):
    before = ServiceRequest.objects.count()
    response = submit(api_as, world, name, content)
    assert response.status_code == 400
    assert reason in response.json()["attachment"][0]
    assert ServiceRequest.objects.count() == before


def test_download_only_for_those_in_scope(api_as, world, client_as):
    created = submit(api_as, world, "检测需求.pdf", PDF).json()
    url = created["attachment_url"]
    for who, status in [
        ("enterprise_user", 200),
        ("operator", 200),
        ("official_in_scope", 200),
        ("other_operator", 404),
        ("other_enterprise_user", 404),
        ("official_out_of_scope", 404),
        ("anonymous", 401),
    ]:
        response = api_as(world[who]).get(url)
        assert response.status_code == status, who
        if status == 200:
            assert b"".join(response.streaming_content) == PDF
            assert "attachment;" in response["Content-Disposition"]
    # The browser gets the same checks through its session.
    page = client_as(world["operator"]).get(url)
    assert page.status_code == 200


@pytest.mark.parametrize(
    "name", ["../../../etc/cron.d/需求.pdf", "..\\..\\windows\\需求.pdf", "/srv/media/需求.pdf"]
)
def test_names_with_path_tricks_keep_only_their_last_part(api_as, world, media_root, name):
    response = submit(api_as, world, name, PDF)
    assert response.status_code == 201, response.content
    stored = ServiceRequest.objects.get(pk=response.json()["id"])
    assert stored.attachment_name == "需求.pdf"
    assert stored.attachment.name.startswith("service-requests/")
    assert ".." not in stored.attachment.name
    assert [path.parent for path in media_root.rglob("*.pdf")] == [
        media_root / stored.attachment.name.rsplit("/", 1)[0]
    ]


@pytest.fixture
def debug_urls(settings):
    """The URLconf as ``DEBUG`` builds it (it is read once, at import)."""
    settings.DEBUG = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


def test_media_url_serves_no_file_even_under_debug(api_as, world, client, client_as, debug_urls):
    created = submit(api_as, world, "检测需求.pdf", PDF).json()
    stored = ServiceRequest.objects.get(pk=created["id"])
    assert client.get(settings.MEDIA_URL + stored.attachment.name).status_code == 404
    operator = client_as(world["operator"])
    assert operator.get(settings.MEDIA_URL + stored.attachment.name).status_code == 404
    # The scope-checked view still serves it.
    assert operator.get(created["attachment_url"]).status_code == 200


def test_history_names_the_attachment_and_never_its_storage_path(api_as, world, client_as):
    created = submit(api_as, world, "检测需求.pdf", PDF).json()
    stored = ServiceRequest.objects.get(pk=created["id"])
    page = client_as(world["operator"]).get(f"/history/request/{stored.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert stored.attachment.name.rsplit("/", 1)[1] not in html
    assert f'<a href="{created["attachment_url"]}">检测需求.pdf</a>' in html
