"""The annual report's state machine is one table (evaluation/report_workflow.py): the services
refuse every other move (409 in the API), and the report page offers exactly the forms its user
may use, for every role and status."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from evaluation import services
from evaluation.models import ReportStatus
from evaluation.report_workflow import EDIT, REPORT_TRANSITIONS, allowed_actions
from portal.exceptions import InvalidTransition, NotPermitted
from tests import factories

from . import factories as evaluation

pytestmark = pytest.mark.django_db

YEAR = 2025
# The page's form of each action: where it posts (the values form posts to the page itself).
FORM_ACTIONS = {
    "submit": 'name="submit"',
    "pre_review": "/pre-review/",
    "return": "/return/",
    "approve": "/approve/",
    "reopen": "/reopen/",
}
API_PATHS = {
    "submit": "submit",
    "pre_review": "pre-review",
    "return": "return",
    "approve": "approve",
}
API_BODIES = {"pre_review": {"recommendation": "recommend"}, "return": {"reason": "补充材料"}}


@pytest.fixture
def people(yongkang_complex):
    return {
        "operator": factories.operator_of(yongkang_complex),
        "jinhua": factories.regional_official("330700"),
        "province": factories.provincial_official(),
        "superuser": factories.UserFactory(is_superuser=True, is_staff=True),
    }


def test_the_table_is_the_documented_workflow():
    moves = {
        action: (sorted(transition.sources), transition.target)
        for action, transition in REPORT_TRANSITIONS.items()
    }
    assert moves == {
        EDIT: (["draft", "returned"], None),
        "submit": (["draft", "returned"], "submitted"),
        "pre_review": (["submitted"], None),
        "return": (["submitted"], "returned"),
        "approve": (["submitted"], "approved"),
        "reopen": (["draft", "returned"], None),
    }


@pytest.mark.parametrize("locked", [False, True], ids=["open", "locked"])
@pytest.mark.parametrize("status", ReportStatus.values)
@pytest.mark.parametrize("who", ["operator", "jinhua", "province", "superuser"])
def test_the_page_offers_exactly_the_actions_the_services_accept(
    client_as, people, yongkang_complex, who, status, locked
):
    # Locked: the deadline and its grace period have passed (evaluation/report_lock.py).
    evaluation.open_period(YEAR, timezone.localdate() - timedelta(days=30) if locked else None)
    report = evaluation.report(yongkang_complex, YEAR, status=status)
    user = people[who]
    html = client_as(user).get(f"/evaluation/reports/{report.pk}/").content.decode()
    offered = {action for action, marker in FORM_ACTIONS.items() if marker in html}
    if 'name="save"' in html:
        offered.add(EDIT)
    accepted = {action for action in REPORT_TRANSITIONS if _service_accepts(action, report, user)}
    assert offered == accepted == allowed_actions(report=report, user=user)


SERVICE_CALLS = {
    EDIT: lambda report, user: services.report_update(
        report=report, actor=user, version=report.version, values={}
    ),
    "submit": lambda report, user: services.report_submit(report=report, actor=user),
    "pre_review": lambda report, user: services.report_pre_review(
        report=report, actor=user, recommendation="recommend", comment=""
    ),
    "return": lambda report, user: services.report_return(report=report, actor=user, reason="补充"),
    "approve": lambda report, user: services.report_approve(report=report, actor=user),
    "reopen": lambda report, user: services.report_reopen(
        report=report, actor=user, reason="补交", until=timezone.localdate() + timedelta(days=7)
    ),
}


def _service_accepts(action, report, user) -> bool:
    """Whether the service lets ``user`` take ``action`` now (rolled back either way)."""
    try:
        with transaction.atomic():
            SERVICE_CALLS[action](report, user)
            transaction.set_rollback(True)
    except (NotPermitted, InvalidTransition):
        return False
    except ValidationError:
        pass  # a guard past the table's (submit wants every value filled in): the move is allowed
    return True


@pytest.mark.parametrize(
    ("action", "status"),
    [
        (action, status)
        for action in API_PATHS
        for status in ReportStatus.values
        if status not in REPORT_TRANSITIONS[action].sources
    ],
)
def test_the_api_refuses_a_move_the_table_does_not_allow_with_409(
    api_as, people, yongkang_complex, action, status
):
    evaluation.open_period(YEAR)
    report = evaluation.report(yongkang_complex, YEAR, status=status)
    user = people["operator" if action == "submit" else "province"]
    if action == "pre_review":
        user = people["jinhua"]
    response = api_as(user).post(
        f"/api/v1/reports/{report.pk}/{API_PATHS[action]}/",
        API_BODIES.get(action, {}),
        format="json",
    )
    assert response.status_code == 409, response.json()
    assert response.json()["detail"]
    report.refresh_from_db()
    assert report.status == status
