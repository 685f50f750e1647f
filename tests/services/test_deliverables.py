"""Deliverables: the operator hands over files when delivering (checked like attachments,
stored privately); whoever may see the request downloads them, through the API and the page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.models import Deliverable, RequestStatus, ServiceRequest

from .factories import advance
from .test_attachments import PDF, ooxml

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SERVICE_ATTACHMENT_MAX_BYTES = 64 * 1024
    return tmp_path


@pytest.fixture
def in_progress(world):
    advance(
        world["request"],
        RequestStatus.IN_PROGRESS,
        operator=world["operator"],
        enterprise_user=world["enterprise_user"],
    )
    return world


def deliver(api_as, world, *files):
    return api_as(world["operator"]).post(
        f"/api/v1/service-requests/{world['request'].pk}/deliver/",
        {"note": "检测报告已出具。", "files": list(files)},
        format="multipart",
    )


def stored_files(media_root):
    return [path for path in media_root.rglob("*") if path.is_file()]


def test_the_operator_hands_over_files_and_the_enterprise_downloads_them(
    in_progress, api_as, client_as, media_root
):
    world = in_progress
    delivered = deliver(
        api_as,
        world,
        SimpleUploadedFile("盐雾试验报告.pdf", PDF),
        SimpleUploadedFile("外壳设计.docx", ooxml("word/")),
    )
    assert delivered.status_code == 200, delivered.content
    files = delivered.json()["deliverables"]
    assert [(f["name"], f["size"]) for f in files] == [
        ("盐雾试验报告.pdf", len(PDF)),
        ("外壳设计.docx", len(ooxml("word/"))),
    ]
    # Stored under generated names, never the uploader's.
    assert all("试验" not in path.name for path in stored_files(media_root))
    download = api_as(world["enterprise_user"]).get(files[0]["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    page = client_as(world["enterprise_user"]).get(f"/services/requests/{world['request'].pk}/")
    assert "盐雾试验报告.pdf" in page.text
    page_link = f"/services/requests/{world['request'].pk}/deliverables/{files[0]['id']}/"
    assert page_link in page.text
    assert client_as(world["enterprise_user"]).get(page_link).status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("enterprise_user", 200),
        ("operator", 200),
        ("official_in_scope", 200),
        ("province", 200),
        ("other_enterprise_user", 404),
        ("other_operator", 404),
        ("official_out_of_scope", 404),
    ],
)
def test_downloads_follow_the_requests_scope(in_progress, api_as, client_as, who, status):
    world = in_progress
    deliver(api_as, world, SimpleUploadedFile("报告.pdf", PDF))
    deliverable = Deliverable.objects.get()
    api_path = f"/api/v1/service-requests/{world['request'].pk}/deliverables/{deliverable.pk}/"
    page_path = f"/services/requests/{world['request'].pk}/deliverables/{deliverable.pk}/"
    assert api_as(world[who]).get(api_path).status_code == status
    assert client_as(world[who]).get(page_path).status_code == status


def test_a_deliverable_is_only_found_under_its_own_request(in_progress, api_as, client_as):
    world = in_progress
    deliver(api_as, world, SimpleUploadedFile("报告.pdf", PDF))
    deliverable = Deliverable.objects.get()
    other = ServiceRequest.objects.create(
        offering=world["offering"],
        complex=world["complex"],
        enterprise=world["enterprise"],
        description="另一项",
    )
    path = f"/services/requests/{other.pk}/deliverables/{deliverable.pk}/"
    assert client_as(world["enterprise_user"]).get(path).status_code == 404


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"MZ\x90\x00 not a pdf"),
        ("report.exe", b"MZ\x90\x00"),
        ("huge.pdf", PDF + b"0" * 70 * 1024),
    ],
    ids=["forged-type", "wrong-type", "too-large"],
)
def test_a_wrong_file_refuses_the_whole_delivery(in_progress, api_as, media_root, name, content):
    world = in_progress
    answer = deliver(
        api_as,
        world,
        SimpleUploadedFile("good.pdf", PDF),
        SimpleUploadedFile(name, content),
    )
    assert answer.status_code == 400, answer.content
    assert "files" in answer.json()
    assert ServiceRequest.objects.get(pk=world["request"].pk).status == RequestStatus.IN_PROGRESS
    assert not Deliverable.objects.exists()
    assert stored_files(media_root) == []


def test_at_most_ten_files_go_with_one_delivery(in_progress, api_as, media_root):
    answer = deliver(
        api_as, in_progress, *(SimpleUploadedFile(f"r{n}.pdf", PDF) for n in range(11))
    )
    assert answer.status_code == 400 and "files" in answer.json()
    assert not Deliverable.objects.exists()


def test_the_operator_delivers_files_on_the_page(in_progress, client_as, media_root):
    world = in_progress
    page = f"/services/requests/{world['request'].pk}/"
    form = client_as(world["operator"]).get(page).text
    assert 'name="deliver-files"' in form and "multiple" in form
    sent = client_as(world["operator"]).post(
        page + "deliver/",
        {
            "deliver-note": "报告见附件",
            "deliver-files": [
                SimpleUploadedFile("报告一.pdf", PDF),
                SimpleUploadedFile("报告二.pdf", PDF),
            ],
        },
    )
    assert sent.status_code == 302
    assert sorted(Deliverable.objects.values_list("name", flat=True)) == [
        "报告一.pdf",
        "报告二.pdf",
    ]
    refused = client_as(world["operator"]).post(
        page + "dispute/", {"dispute-reason": "x"}
    )  # the operator may not dispute
    assert refused.status_code == 403


def test_the_files_cost_no_query_each(in_progress, api_as, client_as):
    """The request's page and detail read its deliverables in one query, however many."""
    world = in_progress
    deliver(api_as, world, SimpleUploadedFile("报告.pdf", PDF))
    page = f"/services/requests/{world['request'].pk}/"
    api = f"/api/v1/service-requests/{world['request'].pk}/"

    api_client, page_client = api_as(world["enterprise_user"]), client_as(world["enterprise_user"])

    def counts():
        with CaptureQueriesContext(connection) as api_queries:
            assert api_client.get(api).status_code == 200
        with CaptureQueriesContext(connection) as page_queries:
            assert page_client.get(page).status_code == 200
        return len(api_queries), len(page_queries)

    one = counts()
    for n in range(4):
        Deliverable.objects.create(
            request=world["request"], file="deliverables/x.pdf", name=f"{n}.pdf", size=1
        )
    assert counts() == one
