"""The QR point page is read on every scan: its checklist items come from the cache,
its query count is pinned, and a changed checklist shows on the very next scan.

Zhang San operates in W1 and Li Na leads its team; both scan W1's first area, where
the universal DAILY-AREA checklist applies. Wang Wei (the admin) revises checklists.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.tenants.inspections.models import Inspection
from safeloop.tenants.inspections.services import (
    ItemSpec,
    revise_checklist,
    start_inspection,
    submit_inspection,
)
from tests.inspections.conftest import full_answers

pytestmark = pytest.mark.django_db

# An operator's scan of an area point, once the cache holds the page's items and
# library, the session, the host's enterprise and the unread-notices badge (the one
# `SET search_path` of the request is not counted): the user with their person (1);
# the QR token (machine or area, with the area's parents: 1); hazard settings; the
# point, the person's open task point, the bindings that could apply there (the area
# chain came with the token), the point's history; the library digest; the stop-work
# orders in force at the place (hazards.major.stops_here: never cached, one query).
POINT_PAGE_QUERIES = 9
# A team leader sees her workshop's history: her area, once (the database walks
# the workshop's subtree inside the history query; no area table is read).
WORKSHOP_RULE_QUERIES = 1


def _hub(target) -> str:
    return f"/q/{target.qr_token}/"


def _queries(client, url: str, **headers) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url, **headers)
    assert page.status_code == 200
    sql = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith("SET ")]
    return len(sql), page.content.decode()


def _relabel(checklist, *, by, first_label: str) -> None:
    specs = [ItemSpec.from_item(i) for i in checklist.current_version.items.order_by("order")]
    specs[0].label = first_label
    revise_checklist(checklist, by=by, items=specs)


def test_the_point_page_takes_a_fixed_number_of_queries(as_zhang, area_point, checklist):
    as_zhang.get(_hub(area_point.area))  # the first scan fills the cache

    count, html = _queries(as_zhang, _hub(area_point.area))

    assert count == POINT_PAGE_QUERIES
    assert 'data-testid="checklist-form"' in html and 'data-testid="library-entry-' in html
    version = checklist("DAILY-AREA").current_version
    for item in version.items.all():
        assert f'name="item_{item.pk}"' in html


def test_the_query_count_does_not_grow_with_the_history(as_li, li, zhang, area_point):
    as_li.get(_hub(area_point.area))
    before, _html = _queries(as_li, _hub(area_point.area))
    for minutes, who in ((30, li), (20, zhang), (10, li)):
        at = timezone.now() - timedelta(minutes=minutes)
        inspection = start_inspection(area_point, by=who, at=at - timedelta(minutes=2))
        answers, photos = full_answers(inspection.checklist_version)
        submit_inspection(inspection, by=who, answers=answers, photos=photos, at=at)

    after, html = _queries(as_li, _hub(area_point.area))

    assert after == before == POINT_PAGE_QUERIES + WORKSHOP_RULE_QUERIES
    assert html.count('data-testid="history-row"') == 3  # Zhang's too: he works in W1


def test_a_machine_point_takes_as_many_queries(as_zhang, wang, w1_areas):
    from safeloop.tenants.facilities.models import EquipmentType
    from safeloop.tenants.facilities.services import create_equipment

    press = create_equipment(
        by=wang,
        code="PR-C01",
        name="Press C1",
        area=w1_areas[0],
        equipment_type=EquipmentType.objects.get(code="PRESS"),
    )
    as_zhang.get(_hub(press))

    count, html = _queries(as_zhang, _hub(press))

    # One token query finds a machine's label as it finds an area's (with the area).
    assert count == POINT_PAGE_QUERIES
    assert 'data-testid="checklist-form"' in html and "rp-group-own" in html


def test_a_checklist_edited_in_place_shows_on_the_next_scan(as_li, wang, area_point, checklist):
    daily = checklist("DAILY-AREA")
    assert "地面无积油" not in as_li.get(_hub(area_point.area)).content.decode()

    _relabel(daily, by=wang, first_label="地面无积油")  # no inspection used it: same version

    html = as_li.get(_hub(area_point.area)).content.decode()
    daily = checklist("DAILY-AREA")
    assert daily.current_version.number == 1 and "地面无积油" in html
    for item in daily.current_version.items.all():
        assert f'name="item_{item.pk}"' in html  # the items were written anew


def test_a_new_checklist_version_shows_on_the_next_scan(as_li, li, wang, area_point, checklist):
    daily = checklist("DAILY-AREA")
    version = daily.current_version
    inspection = start_inspection(area_point, by=li)
    answers, photos = full_answers(version)
    submit_inspection(inspection, by=li, answers=answers, photos=photos)
    as_li.get(_hub(area_point.area))

    _relabel(daily, by=wang, first_label="安全通道畅通无阻")

    html = as_li.get(_hub(area_point.area)).content.decode()
    daily = checklist("DAILY-AREA")
    assert daily.current_version.number == version.number + 1
    assert "安全通道畅通无阻" in html
    old_ids = set(version.items.values_list("pk", flat=True))
    assert not any(f'name="item_{pk}"' in html for pk in old_ids)


def test_the_cached_items_follow_the_language(as_li, area_point, checklist):
    first = checklist("DAILY-AREA").current_version.items.order_by("order").first()
    assert first.label_en and first.label_en != first.label

    chinese = as_li.get(_hub(area_point.area), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    english = as_li.get(_hub(area_point.area), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese_again = as_li.get(_hub(area_point.area), HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert first.label in chinese and first.label_en not in chinese
    assert first.label_en in english
    assert first.label in chinese_again.content.decode()


def test_a_reshown_form_keeps_its_errors_but_the_next_scan_is_clean(as_li, area_point, checklist):
    from safeloop.tenants.inspections.forms import sign_opened

    version = checklist("DAILY-AREA").current_version
    first = version.items.order_by("order").first()
    answers, photos = full_answers(version)
    data = {f"item_{pk}": value for pk, value in {**answers, **photos}.items()}
    del data[f"item_{first.pk}"]
    data.update(form="checklist", started=sign_opened(version))

    refused = as_li.post(_hub(area_point.area), data)
    clean = as_li.get(_hub(area_point.area)).content.decode()

    assert refused.status_code == 200 and not Inspection.objects.exists()
    assert 'class="in-item in-kind-pass_fail has-error"' in refused.content.decode()
    assert "has-error" not in clean and 'data-testid="checklist-errors"' not in clean


def test_cache_keys_are_per_tenant(acme, globex):
    assert settings.CACHES["default"]["KEY_FUNCTION"] == "django_tenants.cache.make_key"
    with tenant_context(acme):
        cache.set("hub-test", "acme's")
        assert cache.make_key("hub-test").startswith("acme:")
    with tenant_context(globex):
        assert cache.get("hub-test") is None
        assert cache.make_key("hub-test").startswith("globex:")
    with tenant_context(acme):
        assert cache.get("hub-test") == "acme's"
        cache.delete("hub-test")


def test_a_guidance_picture_links_to_the_page_that_serves_it(
    as_zhang, wang, area_point, checklist, settings, tmp_path
):
    from django.core.files.base import ContentFile
    from django.urls import reverse

    from tests.inspections.conftest import make_photo

    settings.MEDIA_ROOT = tmp_path
    daily = checklist("DAILY-AREA")
    as_zhang.get(_hub(area_point.area))
    specs = [ItemSpec.from_item(i) for i in daily.current_version.items.order_by("order")]
    specs[0].guidance_image = ContentFile(make_photo().read(), name="good.jpg")
    revise_checklist(daily, by=wang, items=specs)

    html = as_zhang.get(_hub(area_point.area)).content.decode()

    first = checklist("DAILY-AREA").current_version.items.order_by("order").first()
    url = reverse("inspections:guidance_image", args=[first.pk])
    assert f'<img src="{url}"' in html and "/media/" not in html
    assert as_zhang.get(url).status_code == 200
