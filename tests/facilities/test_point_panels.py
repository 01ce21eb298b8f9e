"""Apps put their panels on the QR point page through a registry.

The page belongs to the point; hazards (report a hazard) and inspections (the
checklist) are its panels today, and a later app adds its own the same way. Here
a made-up "safety notice" panel stands for that later app: Li Na, who leads W1's
team and may report and inspect, scans W1's first area (the press line, where the
DAILY-AREA checklist applies).
"""

from __future__ import annotations

import re

import pytest
from django.http import HttpResponseRedirect
from django.template import Template

from safeloop.tenants.facilities import point_hub
from safeloop.tenants.facilities.models import Area
from safeloop.tenants.facilities.point_hub import Pane, PointPanel, point_panels, register_panel
from safeloop.tenants.hazards.permissions import HazardPerm
from safeloop.tenants.inspections.permissions import InspectionPerm

pytestmark = pytest.mark.django_db


class NoticePanel(PointPanel):
    """A safety notice for the place: what a later app's panel looks like."""

    mode = "notice"
    order = 15  # between the report (10) and the checklist (20)
    permission = HazardPerm.HAZARD_REPORT
    title = "Safety notice"
    icon = "i"
    template = Template('<p data-testid="notice-text">{{ pane.data }}</p>')
    form_name = "notice"

    def pane(self, request, area, equipment):
        return Pane(self, f"Hearing protection in {area.code}")

    def post(self, request, area, equipment):
        return HttpResponseRedirect(f"{request.path}?mode=notice&read={request.POST['read']}")


class ManagersPanel(NoticePanel):
    mode = "managers"
    permission = InspectionPerm.INSPECTIONS_MANAGE


@pytest.fixture
def registry(monkeypatch):
    """The registry as the apps left it, restored after the test."""
    monkeypatch.setattr(point_hub, "_panels", dict(point_hub._panels))


@pytest.fixture
def notice_panel(registry):
    register_panel(NoticePanel())


@pytest.fixture
def press_line(in_acme) -> Area:
    return Area.objects.filter(parent__code="W1").order_by("code").first()


def _tabs(html: str) -> list[str]:
    return re.findall(r'role="tab"[^>]*data-mode="(\w+)"', html)


def _shown(html: str) -> list[str]:
    tags = re.findall(r'<section id="pane-\w+"[^>]*>', html)
    return [re.search(r'id="pane-(\w+)"', tag).group(1) for tag in tags if " hidden" not in tag]


def test_the_report_and_the_checklist_come_from_the_registry_in_order():
    assert [panel.mode for panel in point_panels()] == ["report", "inspect"]


def test_a_registered_panel_shows_on_the_point_page_in_its_place(as_li, press_line, notice_panel):
    html = as_li.get(f"/q/{press_line.qr_token}/").content.decode()

    assert _tabs(html) == ["report", "notice", "inspect"]
    assert f'data-testid="notice-text">Hearing protection in {press_line.code}<' in html
    # Nothing of Li's is due here, so the report stays in front.
    assert _shown(html) == ["report"]


def test_its_switch_link_puts_it_in_front_without_a_script(as_li, press_line, notice_panel):
    html = as_li.get(f"/q/{press_line.qr_token}/?mode=notice").content.decode()

    assert _shown(html) == ["notice"]
    assert re.search(r'aria-selected="true"[^>]*data-mode="notice"', html)


def test_its_form_posts_go_to_it(as_li, press_line, notice_panel):
    sent = as_li.post(f"/q/{press_line.qr_token}/", {"form": "notice", "read": "yes"})

    assert sent.status_code == 302
    assert sent["Location"] == f"/q/{press_line.qr_token}/?mode=notice&read=yes"


def test_a_panel_is_only_shown_to_people_with_its_permission(as_zhang, press_line, registry):
    register_panel(ManagersPanel())

    html = as_zhang.get(f"/q/{press_line.qr_token}/").content.decode()

    assert 'data-testid="pane-managers"' not in html and 'data-testid="pane-report"' in html
