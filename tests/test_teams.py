"""Teams of a complex and an enterprise: the owner invites colleagues by a link that expires and
works once, sets their role and removes them; the policy narrows what managers and staff
members may do; the province appoints and deactivates officials in the portal."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pghistory.models import MiddlewareEvents

from accounts.models import Invitation, TeamRole, User
from accounts.services import invitation_accept, team_invitation_create
from evaluation import services as evaluation_services
from portal import policy
from portal.exceptions import DomainError, NotPermitted
from tests import factories
from tests.evaluation import factories as evaluation

pytestmark = pytest.mark.django_db

PASSWORD = "Jinhua-Hardware-2026"


def _accept(client, token, username, **extra):
    return client.post(
        reverse("accounts:invitation_accept", args=[token]),
        {"username": username, "password1": PASSWORD, "password2": PASSWORD, **extra},
    )


def _token_of(message) -> str:
    return re.search(r"/accounts/invitations/([^/]+)/", message.body).group(1)


def test_an_owner_invites_a_colleague_who_accepts_once(
    client_as, client, yongkang_complex, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_BASE_URL = "https://portal.example.gov.cn"
    owner = factories.operator_of(yongkang_complex)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(owner).post(
            reverse("accounts:team"), {"email": "li@example.org", "team_role": "staff"}
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["li@example.org"]
    assert "https://portal.example.gov.cn/accounts/invitations/" in message.body
    token = _token_of(message)
    assert Invitation.objects.get().token_hash != token  # only the hash is kept

    client.logout()
    assert client.get(reverse("accounts:invitation_accept", args=[token])).status_code == 200
    assert _accept(client, token, "li.ming", first_name="明", last_name="李").status_code == 302
    colleague = User.objects.get(username="li.ming")
    assert (colleague.role, colleague.complex, colleague.team_role, colleague.email) == (
        "operator",
        yongkang_complex,
        TeamRole.STAFF,
        "li@example.org",
    )
    assert colleague.check_password(PASSWORD)
    assert Invitation.objects.get().accepted_by == colleague

    client.logout()
    again = _accept(client, token, "someone.else")
    assert again.status_code == 404
    assert not User.objects.filter(username="someone.else").exists()
    with pytest.raises(DomainError, match="已被使用"):
        invitation_accept(token=token, username="someone.else", password=PASSWORD)


def test_an_expired_invitation_is_refused(client, yongkang_complex):
    owner = factories.operator_of(yongkang_complex)
    invitation, token = team_invitation_create(
        actor=owner, email="late@example.org", team_role=TeamRole.MANAGER
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(reverse("accounts:invitation_accept", args=[token])).status_code == 404
    assert _accept(client, token, "late.comer").status_code == 404
    with pytest.raises(DomainError, match="已过期"):
        invitation_accept(token=token, username="late.comer", password=PASSWORD)
    assert not User.objects.filter(username="late.comer").exists()


def test_a_weak_password_or_a_taken_name_is_named_and_nothing_is_saved(client, yongkang_complex):
    owner = factories.operator_of(yongkang_complex)
    _invitation, token = team_invitation_create(
        actor=owner, email="x@example.org", team_role=TeamRole.STAFF
    )
    weak = client.post(
        reverse("accounts:invitation_accept", args=[token]),
        {"username": "x.y", "password1": "123", "password2": "123"},
    )
    assert weak.status_code == 200 and weak.context["form"].errors["password1"]
    taken = _accept(client, token, owner.username)
    assert taken.status_code == 200 and taken.context["form"].errors["username"]
    assert User.objects.count() == 1
    assert Invitation.objects.get().accepted_at is None


@pytest.mark.parametrize(
    ("team_role", "may_submit"),
    [(TeamRole.OWNER, True), (TeamRole.MANAGER, True), (TeamRole.STAFF, False)],
)
def test_a_staff_member_cannot_submit_the_annual_report(
    client_as, yongkang_complex, team_role, may_submit
):
    evaluation.open_period(2025)
    report = evaluation.report(yongkang_complex, 2025, values_=evaluation.values())
    member = factories.operator_of(yongkang_complex, team_role=team_role)
    assert policy.can(member, "report.fill", report)  # every colleague may fill it in
    assert policy.can(member, "report.submit", report) is may_submit
    page = client_as(member).get(reverse("evaluation:report", args=[report.pk]))
    assert ('name="submit"' in page.content.decode()) is may_submit
    if may_submit:
        evaluation_services.report_submit(report=report, actor=member)
    else:
        with pytest.raises(NotPermitted):
            evaluation_services.report_submit(report=report, actor=member)
        response = client_as(member).post(f"/api/v1/reports/{report.pk}/submit/")
        assert response.status_code == 403


@pytest.mark.parametrize("team_role", [TeamRole.MANAGER, TeamRole.STAFF])
def test_only_the_owner_manages_colleagues(client_as, yongkang_complex, team_role):
    member = factories.operator_of(yongkang_complex, team_role=team_role)
    other = factories.operator_of(yongkang_complex, team_role=TeamRole.STAFF)
    client = client_as(member)
    assert client.get(reverse("accounts:team")).status_code == 200
    assert "Invite a colleague" not in client.get(reverse("accounts:team")).content.decode()
    assert client.post(reverse("accounts:team"), {"email": "a@example.org"}).status_code == 403
    remove = reverse("accounts:team_member", args=[other.pk, "remove"])
    assert client.post(remove).status_code == 403
    with pytest.raises(NotPermitted):
        team_invitation_create(actor=member, email="a@example.org", team_role=TeamRole.STAFF)


def test_staff_of_an_enterprise_may_not_edit_its_profile():
    enterprise = factories.EnterpriseFactory()
    staff = factories.enterprise_user_of(enterprise, team_role=TeamRole.STAFF)
    owner = factories.enterprise_user_of(enterprise)
    assert not policy.can(staff, "enterprise.edit_profile", enterprise)
    assert policy.can(owner, "enterprise.edit_profile", enterprise)
    assert policy.can(staff, "service_request.create", enterprise)


def test_the_owner_sets_roles_and_removes_colleagues_recorded_under_their_name(
    client_as, yongkang_complex
):
    owner = factories.operator_of(yongkang_complex, first_name="王", last_name="主任")
    colleague = factories.operator_of(yongkang_complex, team_role=TeamRole.STAFF)
    foreign = factories.operator_of(factories.ComplexFactory(), team_role=TeamRole.STAFF)
    client = client_as(owner)
    role = reverse("accounts:team_member", args=[colleague.pk, "role"])
    assert client.post(role, {"team_role": "manager"}).status_code == 302
    colleague.refresh_from_db()
    assert colleague.team_role == TeamRole.MANAGER
    remove = reverse("accounts:team_member", args=[colleague.pk, "remove"])
    assert client.post(remove).status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_active
    events = MiddlewareEvents.objects.references(colleague).order_by("pgh_id")
    assert [(event.pgh_diff, event.user) for event in events if event.pgh_label == "update"] == [
        ({"team_role": ["staff", "manager"]}, owner),
        ({"is_active": [True, False]}, owner),
    ]
    assert (
        client.post(reverse("accounts:team_member", args=[foreign.pk, "remove"])).status_code == 404
    )
    refused = client.post(reverse("accounts:team_member", args=[owner.pk, "remove"]), follow=True)
    assert "负责人的角色和账号不在此处管理。" in refused.content.decode()
    foreign.refresh_from_db()
    owner.refresh_from_db()
    assert foreign.is_active and owner.is_active


def test_the_province_appoints_and_deactivates_officials(
    client_as, client, django_capture_on_commit_callbacks
):
    province = factories.provincial_official()
    city = factories.regional_official("330700")
    assert client_as(city).get(reverse("accounts:officials")).status_code == 403
    officials_page = client_as(province)
    assert officials_page.get(reverse("accounts:officials")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = officials_page.post(
            reverse("accounts:officials"), {"email": "yiwu@example.org", "region": "330782"}
        )
    assert response.status_code == 302
    token = _token_of(mail.outbox[0])
    client.logout()
    assert _accept(client, token, "yiwu.official").status_code == 302
    official = User.objects.get(username="yiwu.official")
    assert (official.role, official.region_id) == ("regional_official", "330782")

    deactivate = reverse("accounts:official_active", args=[official.pk, "deactivate"])
    assert client_as(province).post(deactivate).status_code == 302
    official.refresh_from_db()
    assert not official.is_active
    assert client_as(city).post(deactivate).status_code == 403


def test_the_demo_gives_some_complexes_and_enterprises_colleagues():
    from datetime import date

    from accounts.demo import DEMO_TEAMS, seed_teams
    from portal.seeding import DemoContext

    owners = [factories.operator_of(factories.ComplexFactory()) for _ in range(DEMO_TEAMS + 1)]
    enterprise_owner = factories.enterprise_user_of(factories.EnterpriseFactory(verified=True))
    seed_teams(DemoContext(scale=1, seed=1, password="demo-pass-2026", today=date(2026, 12, 1)))
    teams = {owner.pk: User.objects.team_of(owner).count() for owner in owners}
    assert sorted(teams.values()) == [1, 3, 3, 3]
    first = User.objects.filter(pk__in=teams).order_by("username").first()
    staff = User.objects.get(username=f"{first.username}.staff")
    assert (staff.complex_id, staff.team_role) == (first.complex_id, TeamRole.STAFF)
    assert User.objects.team_of(enterprise_owner).count() == 2
    assert factories.authenticate(username=staff.username, password="demo-pass-2026") == staff


def test_the_team_heads_a_colleagues_name_as_a_persons_name(client_as, yongkang_complex):
    # "Name" of a person (姓名) and of a thing (名称) are two translations: each keeps its own.
    page = client_as(factories.operator_of(yongkang_complex)).get(reverse("accounts:team"))
    assert '<th scope="col">姓名</th>' in page.content.decode()
