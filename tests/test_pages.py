from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from complexes.models import ComplexStatusChange, Institution, SharedInstrument, TalentTeam

from . import factories

pytestmark = pytest.mark.django_db


def test_home_and_directory_are_public(client, yongkang_complex, hangzhou_complex):
    assert client.get("/").status_code == 200
    response = client.get(reverse("complexes:directory"))
    assert response.status_code == 200
    assert yongkang_complex.name in response.content.decode()


def test_directory_filters_by_city_and_chinese_text(client, yongkang_complex, hangzhou_complex):
    jinhua = client.get(reverse("complexes:directory"), {"region": "330700"}).content.decode()
    assert yongkang_complex.name in jinhua and hangzhou_complex.name not in jinhua
    text = client.get(reverse("complexes:directory"), {"q": "家纺"}).content.decode()
    assert hangzhou_complex.name in text and yongkang_complex.name not in text


def test_directory_htmx_request_gets_only_the_results(client, yongkang_complex):
    response = client.get(reverse("complexes:directory"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert yongkang_complex.name in html
    assert "<html" not in html


def test_directory_paginates_and_says_when_nothing_matches(client):
    factories.ComplexFactory.create_batch(25)
    first = client.get(reverse("complexes:directory"))
    assert len(first.context["page"].object_list) == 20
    second = client.get(reverse("complexes:directory"), {"page": 2})
    assert len(second.context["page"].object_list) == 5
    empty = client.get(reverse("complexes:directory"), {"q": "没有这个"}).content.decode()
    assert "没有符合" in empty


def test_detail_shows_profile_members_and_history(client, yongkang_complex):
    factories.InstitutionFactory(complex=yongkang_complex, name="永康检验检测中心")
    ComplexStatusChange.objects.create(
        complex=yongkang_complex,
        from_status="constructing",
        to_status="operating",
        reason="通过验收",
    )
    html = client.get(reverse("complexes:detail", args=[yongkang_complex.code])).content.decode()
    assert "永康检验检测中心" in html and "通过验收" in html and "金华市" in html


def test_operator_edits_profile_through_the_page(client_as, yongkang_complex):
    client = client_as(factories.operator_of(yongkang_complex))
    url = reverse("complexes:edit", args=[yongkang_complex.code])
    form = client.get(url).context["form"]
    assert "level" not in form.fields and "status" not in form.fields
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(contact_name="赵六", contact_email="not-an-email")
    invalid = client.post(url, data)
    assert invalid.status_code == 200
    assert "contact_email" in invalid.context["form"].errors
    data["contact_email"] = "zhao@example.org"
    assert client.post(url, data).status_code == 302
    yongkang_complex.refresh_from_db()
    assert yongkang_complex.contact_name == "赵六"


def test_province_changes_status_with_a_reason(client_as, yongkang_complex):
    official = factories.provincial_official()
    client = client_as(official)
    url = reverse("complexes:change_status", args=[yongkang_complex.code])
    assert client.post(url, {"to_status": "rectifying", "reason": ""}).status_code == 200
    assert client.post(url, {"to_status": "rectifying", "reason": "评价不合格"}).status_code == 302
    yongkang_complex.refresh_from_db()
    assert yongkang_complex.status == "rectifying"
    assert yongkang_complex.status_changes.get().changed_by == official


def test_city_official_proposes_a_status_change_with_a_reason(client_as, yongkang_complex):
    official = factories.regional_official("330700")
    client = client_as(official)
    url = reverse("complexes:change_status", args=[yongkang_complex.code])
    assert client.post(url, {"to_status": "rectifying", "reason": ""}).status_code == 200
    assert client.post(url, {"to_status": "rectifying", "reason": "评价不合格"}).status_code == 302
    yongkang_complex.refresh_from_db()
    assert yongkang_complex.status == "operating"
    assert yongkang_complex.status_proposals.get().proposed_by == official


def test_an_operator_cannot_open_the_status_page(client_as, yongkang_complex):
    client = client_as(factories.operator_of(yongkang_complex))
    assert (
        client.get(reverse("complexes:change_status", args=[yongkang_complex.code])).status_code
        == 403
    )


def test_operator_manages_members(client_as, yongkang_complex):
    client = client_as(factories.operator_of(yongkang_complex))
    add = reverse("complexes:part_add", args=[yongkang_complex.code, "members"])
    bad = client.post(
        add, {"name": "新成员", "type": "testing", "credit_code": "91350100M000100Y44"}
    )
    assert "credit_code" in bad.context["form"].errors
    left_early = {"name": "新成员", "type": "testing", "joined_year": 2024, "left_year": 2023}
    assert "left_year" in client.post(add, left_early).context["form"].errors
    assert not Institution.objects.filter(name="新成员").exists()
    assert (
        client.post(
            add, {"name": "新成员", "type": "testing", "credit_code": "", "joined_year": 2024}
        ).status_code
        == 302
    )
    member = Institution.objects.get(name="新成员")
    assert (member.joined_year, member.left_year) == (2024, None)
    delete = reverse("complexes:part_delete", args=[yongkang_complex.code, "members", member.pk])
    assert client.get(delete).status_code == 200
    assert client.post(delete).status_code == 302
    assert not Institution.objects.filter(pk=member.pk).exists()


def test_edit_pages_need_a_login(client, yongkang_complex):
    response = client.get(reverse("complexes:edit", args=[yongkang_complex.code]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_login_page_logs_in_and_out(client):
    user = factories.provincial_official()
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/").context["user"] == user
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert not client.get("/").context["user"].is_authenticated


def test_operator_keeps_instruments_and_teams(client_as, yongkang_complex, hangzhou_complex):
    member = factories.InstitutionFactory(complex=yongkang_complex)
    foreign_member = factories.InstitutionFactory(complex=hangzhou_complex)
    client = client_as(factories.operator_of(yongkang_complex))
    add = reverse("complexes:part_add", args=[yongkang_complex.code, "instruments"])
    form = client.get(add).context["form"]
    assert list(form.fields["institution"].queryset) == [member]
    refused = client.post(
        add, {"name": "扫描电镜", "institution": foreign_member.pk, "original_value": "800000"}
    )
    assert "institution" in refused.context["form"].errors
    negative = client.post(add, {"name": "扫描电镜", "original_value": "-1"})
    assert "original_value" in negative.context["form"].errors
    assert (
        client.post(
            add,
            {
                "name": "扫描电镜",
                "institution": member.pk,
                "original_value": "800000.50",
                "acquired_year": "2024",
                "shared_from_year": "2025",
            },
        ).status_code
        == 302
    )
    instrument = yongkang_complex.instruments.get()
    assert (instrument.original_value, instrument.open_for_sharing) == (Decimal("800000.50"), True)
    # The years are checked: shared before acquired, retired before shared, named by field.
    edit_instrument = reverse(
        "complexes:part_edit", args=[yongkang_complex.code, "instruments", instrument.pk]
    )
    backwards = client.post(
        edit_instrument,
        {
            "name": "扫描电镜",
            "original_value": "800000.50",
            "acquired_year": "2024",
            "shared_from_year": "2023",
            "retired_year": "2022",
        },
    )
    assert set(backwards.context["form"].errors) == {"shared_from_year", "retired_year"}
    retired = {"name": "扫描电镜", "original_value": "800000.50", "acquired_year": "2024"}
    retired |= {"shared_from_year": "2025", "retired_year": "2026"}
    assert client.post(edit_instrument, retired).status_code == 302
    instrument.refresh_from_db()
    assert (instrument.retired_year, instrument.open_for_sharing) == (2026, False)

    team_add = reverse("complexes:part_add", args=[yongkang_complex.code, "teams"])
    assert (
        client.post(
            team_add, {"name": "精密加工团队", "leader": "王明", "size": 8, "introduced_year": 2024}
        ).status_code
        == 302
    )
    team = yongkang_complex.talent_teams.get()
    edit = reverse("complexes:part_edit", args=[yongkang_complex.code, "teams", team.pk])
    assert (
        client.post(
            edit,
            {"name": "精密加工创新团队", "leader": "王明", "size": 9, "introduced_year": 2024},
        ).status_code
        == 302
    )
    dissolved_early = client.post(
        edit,
        {"name": "精密加工创新团队", "leader": "王明", "size": 9, "introduced_year": 2024,
         "dissolved_year": 2023},
    )  # fmt: skip
    assert "dissolved_year" in dissolved_early.context["form"].errors
    team.refresh_from_db()
    assert (team.name, team.size) == ("精密加工创新团队", 9)
    assert (
        client.post(
            reverse("complexes:part_delete", args=[yongkang_complex.code, "teams", team.pk])
        ).status_code
        == 302
    )
    assert not yongkang_complex.talent_teams.exists()


def test_unknown_parts_and_other_complexes_parts_are_404(
    client_as, yongkang_complex, hangzhou_complex
):
    client = client_as(factories.operator_of(yongkang_complex))
    assert client.get(f"/complexes/{yongkang_complex.code}/secrets/add/").status_code == 404
    foreign = factories.InstitutionFactory(complex=hangzhou_complex)
    url = reverse("complexes:part_edit", args=[yongkang_complex.code, "members", foreign.pk])
    assert client.get(url).status_code == 404


def test_every_member_instrument_and_team_of_a_large_complex_is_reachable(
    client_as, yongkang_complex
):
    """More than a page of members, instruments and teams: the page says how many there are and
    pages through them, and the operator can edit the last one (a cap of 50 rows once hid the
    rest; all of a complex's members were once listed on one page)."""
    for number in range(1, 26):
        factories.InstitutionFactory(complex=yongkang_complex, name=f"成员{number:02}")
        SharedInstrument.objects.create(
            complex=yongkang_complex, name=f"仪器{number:02}", original_value=1000 * number
        )
        TalentTeam.objects.create(
            complex=yongkang_complex, name=f"团队{number:02}", leader="陈工", size=3
        )
    cheapest = SharedInstrument.objects.get(name="仪器01")
    last_team = TalentTeam.objects.get(name="团队25")
    last_member = Institution.objects.get(name="成员25")
    url = reverse("complexes:detail", args=[yongkang_complex.code])
    operator = client_as(factories.operator_of(yongkang_complex))
    for client in (operator, Client()):
        first = client.get(url).content.decode()
        assert '<span class="badge bg-secondary">25</span>' in first
        assert "仪器25" in first and "仪器01" not in first
        assert "团队01" in first and "团队25" not in first
        assert "成员01" in first and "成员25" not in first
        assert "instruments_page=2" in first and "teams_page=2" in first
        assert "members_page=2" in first
        second = client.get(
            url, {"instruments_page": 2, "teams_page": 2, "members_page": 2}
        ).content.decode()
        assert "仪器01" in second and "仪器25" not in second
        assert "团队25" in second and "团队01" not in second
        assert "成员25" in second and "成员01" not in second
    second = operator.get(
        url, {"instruments_page": 2, "teams_page": 2, "members_page": 2}
    ).content.decode()
    assert (
        reverse("complexes:part_edit", args=[yongkang_complex.code, "members", last_member.pk])
        in second
    )
    edit = reverse("complexes:part_edit", args=[yongkang_complex.code, "instruments", cheapest.pk])
    assert edit in second
    assert reverse("complexes:part_edit", args=[yongkang_complex.code, "teams", last_team.pk]) in (
        second
    )
