"""The workspace home: floor staff get big entries and their day; set-up people the counts.

Zhang San is an operator in W1, Li Na its team leader, Wang Wei the admin.
"""

import pytest

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}


def test_operator_gets_scan_report_inspections_and_hazards_but_no_management_counts(as_zhang):
    html = as_zhang.get("/w/", **ZH).content.decode()

    for key, label in (
        ("scan", "扫码"),
        ("report", "上报隐患"),
        ("inspections", "我的巡检"),
        ("hazards", "我的隐患"),
    ):
        assert f'data-testid="entry-{key}"' in html and label in html
    assert 'href="/w/scan/"' in html and 'href="/w/report/"' in html
    assert 'data-testid="due-today"' in html
    assert 'data-testid="count-areas"' not in html
    assert 'data-testid="count-equipment"' not in html
    assert 'data-testid="oversight"' not in html


def test_operator_menu_has_scan_and_report(as_zhang):
    html = as_zhang.get("/w/", **ZH).content.decode()

    assert 'data-testid="nav-scan"' in html and 'data-testid="nav-report"' in html


def test_admin_home_links_to_the_board_and_completion_and_keeps_the_counts(as_wang):
    html = as_wang.get("/w/", **ZH).content.decode()

    assert 'data-testid="link-board"' in html and 'href="/h/"' in html
    assert 'data-testid="link-completion"' in html and 'href="/i/completion/"' in html
    assert 'data-testid="count-areas"' in html


def test_team_leader_sees_the_board_of_their_workshop_but_no_set_up_counts(as_li):
    html = as_li.get("/w/", **ZH).content.decode()

    assert 'data-testid="link-board"' in html
    assert 'data-testid="count-areas"' not in html


def test_report_without_a_label_lists_places_linking_to_their_point_pages(as_zhang, in_acme):
    from safeloop.tenants.facilities.models import Area

    area = Area.objects.filter(kind="area", parent__code="W1").order_by("code").first()

    html = as_zhang.get("/w/report/", **ZH).content.decode()

    assert f'href="/q/{area.qr_token}/"' in html
    assert "本车间" in html  # Zhang's own workshop comes first, marked


def test_verifier_may_not_open_the_report_picker(as_zhao):
    assert as_zhao.get("/w/report/").status_code == 403


def test_scan_page_explains_the_phone_camera(as_zhang):
    html = as_zhang.get("/w/scan/", **ZH).content.decode()

    assert "扫一扫" in html and 'href="/w/report/"' in html


def test_home_needs_a_sign_in(acme_client):
    response = acme_client.get("/w/")

    assert response.status_code == 302 and response["Location"] == "/auth/login/?next=/w/"
