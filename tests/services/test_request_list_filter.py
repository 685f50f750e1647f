"""The request list's filter sends only what the user chose: a status shows every request of
that status whatever its year, unless a year is chosen (issue 16: choosing 服务中 showed none)."""

from datetime import datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from services.models import RequestStatus, ServiceRequest
from tests import factories

from .factories import OfferingFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


class SubmittedFilterForm(HTMLParser):
    """What a browser sends when the page's GET form is submitted untouched: each select's
    selected option (the first one when none is), each input's value."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self.hidden: list[str] = []
        self._in_form = False
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "get":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and attrs.get("name"):
            if attrs.get("type") == "hidden":
                self.hidden.append(attrs["name"])
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.data[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select, self._options = attrs["name"], []
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value", ""), "selected" in attrs))

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        if tag == "select" and self._select:
            selected = [value for value, chosen in self._options if chosen] or [self._options[0][0]]
            self.data[self._select] = selected[0]
            self._select = None


def submitted(page) -> SubmittedFilterForm:
    form = SubmittedFilterForm()
    form.feed(page.content.decode())
    return form


@pytest.fixture
def queue(yongkang_complex):
    """Requests of every status, some submitted last year, none completed this year."""
    this_year = timezone.localdate().year
    offering = OfferingFactory(complex=yongkang_complex)
    counts = {
        RequestStatus.IN_PROGRESS: 3,
        RequestStatus.SUBMITTED: 2,
        RequestStatus.CANCELLED: 1,
        RequestStatus.REJECTED: 1,
    }
    for status, count in counts.items():
        for n in range(count):
            request = ServiceRequestFactory(offering=offering, status=status)
            if n % 2 == 0:  # every other one submitted in December of last year
                ServiceRequest.objects.filter(pk=request.pk).update(
                    submitted_at=datetime(this_year - 1, 12, 20, 9, tzinfo=SHANGHAI)
                )
    return {"operator": factories.operator_of(yongkang_complex), "counts": counts}


def test_the_untouched_filter_sends_no_year(client_as, queue):
    page = client_as(queue["operator"]).get("/services/requests/")
    form = submitted(page)
    assert form.hidden == []
    assert form.data["year"] == "" and form.data["completed_year"] == ""


@pytest.mark.parametrize(
    "status",
    [
        RequestStatus.IN_PROGRESS,
        RequestStatus.SUBMITTED,
        RequestStatus.CANCELLED,
        RequestStatus.REJECTED,
    ],
)
def test_a_status_shows_all_its_requests_whatever_their_year(client_as, queue, status):
    client = client_as(queue["operator"])
    data = {**submitted(client.get("/services/requests/")).data, "status": status}
    page = client.get("/services/requests/", data)
    assert page.context["page"].paginator.count == queue["counts"][status]
    assert submitted(page).data["status"] == status  # the filter keeps its state


def test_a_chosen_year_still_narrows(client_as, queue):
    client = client_as(queue["operator"])
    this_year = timezone.localdate().year
    page = client.get("/services/requests/", {"status": "in_progress", "year": this_year})
    assert page.context["page"].paginator.count == 1
    assert submitted(page).data["year"] == str(this_year)


@pytest.mark.parametrize("language, label", [("zh-hans", "已提交"), ("en", "Submitted")])
def test_each_row_names_its_status_in_the_readers_language(client_as, language, label):
    service_request = ServiceRequestFactory()
    client = client_as(factories.provincial_official())
    page = client.get("/services/requests/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<span class="badge request-submitted">{label}</span>' in page
    with translation.override(language):
        assert service_request.get_status_display() == label
    assert ServiceRequest(status="archived").get_status_display() == "archived"
