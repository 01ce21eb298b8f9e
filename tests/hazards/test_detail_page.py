"""The hazard page: what it shows, and the loop driven through its forms.

Zhang (operator, W1) reports a guard problem on the press line; routing gives
it to Ma, the fitter; Li, W1's team leader, signs it off.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from safeloop.tenants.facilities.models import Area, Person
from safeloop.tenants.hazards import services
from safeloop.tenants.hazards.models import ExtensionState, Hazard, HazardPhoto, State
from tests.hazards.conftest import make_photo, make_signature

pytestmark = pytest.mark.django_db


def _report(by, area, entry=None, **kwargs) -> Hazard:
    kwargs.setdefault("photos", [make_photo("site.jpg", size=(400, 300))])
    if entry is None:
        kwargs.setdefault("description", "Oil leaking under the press")
    return services.report_hazard(by=by, area=area, library_entry=entry, **kwargs)


def _as(client, user):
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _fixed(hazard, ma) -> Hazard:
    return services.submit_rectification(
        hazard,
        by=ma,
        description="Guard replaced",
        after_photos=[make_photo("after.jpg", size=(400, 300))],
        signature_data_url=make_signature(),
    )


def test_the_loop_runs_through_the_page_from_start_to_closed(
    acme_client, zhang, ma, li, w1_area, library
):
    # given Zhang's report, routed to Ma
    hazard = _report(zhang, w1_area, library("general"))
    assert hazard.assignee.user == ma
    url = f"/h/{hazard.pk}/"

    # when Ma starts and submits the fix with a photo and his signature
    page = _as(acme_client, ma).get(url).content.decode()
    assert 'data-testid="action-start"' in page and 'data-testid="action-rectify"' in page
    started = acme_client.post(f"{url}start/")
    page = acme_client.get(url).content.decode()
    assert 'data-testid="signature-pad"' in page and 'data-testid="signature-clear"' in page
    rectified = acme_client.post(
        f"{url}rectify/",
        {
            "rectify-description": "Guard replaced, bolts torqued",
            "rectify-test_result": "Light curtain stops the press",
            "rectify-after_photos": [make_photo("after.jpg", size=(400, 300))],
            "rectify-signature": make_signature(),
        },
    )

    # and Li accepts it
    li_page = _as(acme_client, li).get(url).content.decode()
    accepted = acme_client.post(
        f"{url}accept/", {"accept-note": "Checked on site", "accept-signature": make_signature()}
    )

    # then each step redirected back, the hazard is closed and the page tells the story
    assert [r.status_code for r in (started, rectified, accepted)] == [302, 302, 302]
    assert accepted.url == url
    # Li meets the evidence first (photos after, what was done, the fixer's signature),
    # then one "accept" with her own signature pad
    assert li_page.count('data-testid="accept-submit"') == 1
    evidence = [
        'data-testid="photos-after"',
        'data-testid="rectifications"',
        'data-testid="signature-image"',
    ]
    sign_off = li_page.index('data-testid="acceptance-decision"')
    assert all(li_page.index(mark) < sign_off for mark in evidence)
    assert li_page.index('data-testid="signature-pad"') > sign_off
    hazard.refresh_from_db()
    assert hazard.state == State.CLOSED
    assert hazard.rectifications.get().test_result == "Light curtain stops the press"
    page = acme_client.get(url).content.decode()
    steps = [
        "timeline-hazardreported",
        "timeline-hazardassigned",
        "timeline-hazardrectifying",
        "timeline-hazardrectified",
        "timeline-hazardaccepted",
        "timeline-hazardclosed",
    ]
    positions = [page.index(f'data-testid="{step}"') for step in steps]
    assert positions == sorted(positions)
    assert "Checked on site" in page and "Li Na" in page and "Ma Jun" in page
    assert 'data-testid="hazard-state">Closed<' in page
    after = HazardPhoto.objects.get(hazard=hazard, stage="rectification")
    assert f'src="/h/photo/{after.pk}/"' in page
    assert f'src="/h/signature/{hazard.rectifications.get().pk}/"' in page
    acceptance = hazard.acceptances.get()
    assert page.count(f'src="/h/acceptance-signature/{acceptance.pk}/"') == 2  # path + timeline
    assert 'data-testid="timeline-signature"' in page
    assert 'data-testid="hazard-actions"' not in page


def test_page_shows_facts_hint_grade_and_the_before_photo(
    acme_client, zhang, w1_area, press, library
):
    entry = library("serious")
    hazard = _report(
        zhang, w1_area, entry, equipment=press, latitude="31.230416", longitude="121.473701"
    )

    response = _as(acme_client, zhang).get(f"/h/{hazard.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert f'data-testid="hazard-number">{hazard.number}<' in page
    assert 'class="grade grade-serious"' in page
    assert "31.230416, 121.473701" in page and "PR-T01" in page
    assert "Zhang San" in page
    if entry.rectification_hint_en or entry.rectification_hint:
        assert 'data-testid="rectification-hint"' in page
    before = hazard.photos.get()
    assert f'src="/h/photo/{before.pk}/"' in page
    assert 'data-testid="countdown"' in page
    # Zhang reported it but is neither fixer nor acceptor: nothing to do here
    assert 'data-testid="hazard-actions"' not in page


def test_stale_photo_is_flagged_and_anonymous_reporter_stays_hidden(
    acme_client, zhang, sun, w1_area
):
    from datetime import datetime

    from safeloop.tenants.hazards.models import HazardSettings

    HazardSettings.objects.create(anonymous_reporting=True)
    hazard = _report(
        zhang,
        w1_area,
        anonymous=True,
        photos=[make_photo("old.jpg", size=(400, 300), taken=datetime(2020, 1, 1, 8, 0))],
    )

    page = _as(acme_client, sun).get(f"/h/{hazard.pk}/").content.decode()

    assert 'data-testid="photo-stale"' in page
    assert 'data-testid="reporter">Anonymous<' in page
    # (the reassign form above still lists him among the people, unconnected to the report)
    facts_photos_and_history = page.split('data-testid="hazard-facts"')[1]
    assert "Zhang San" not in facts_photos_and_history


def test_reject_with_an_empty_reason_shows_the_error_at_the_reject_form(
    acme_client, zhang, ma, li, w1_area, library
):
    hazard = _fixed(_report(zhang, w1_area, library("general")), ma)

    response = _as(acme_client, li).post(f"/h/{hazard.pk}/reject/", {"reject-reason": "  "})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Say what is still wrong." in page
    assert '<details class="action decision-reject" data-action="reject" open>' in page
    hazard.refresh_from_db()
    assert hazard.state == State.AWAITING_ACCEPTANCE


def test_reject_with_a_reason_sends_it_back_to_the_fitter(
    acme_client, zhang, ma, li, w1_area, library
):
    hazard = _fixed(_report(zhang, w1_area, library("general")), ma)

    response = _as(acme_client, li).post(
        f"/h/{hazard.pk}/reject/", {"reject-reason": "Guard still loose"}
    )

    hazard.refresh_from_db()
    assert response.status_code == 302
    assert hazard.state == State.RECTIFYING
    page = acme_client.get(f"/h/{hazard.pk}/").content.decode()
    assert "Guard still loose" in page and 'data-testid="timeline-hazardrejected"' in page


def test_accept_without_a_signature_shows_the_error_at_the_signature_pad(
    acme_client, zhang, ma, li, w1_area, library
):
    hazard = _fixed(_report(zhang, w1_area, library("general")), ma)

    response = _as(acme_client, li).post(f"/h/{hazard.pk}/accept/", {"accept-note": "Looks fine"})

    page = response.content.decode()
    assert response.status_code == 200
    pad = page.split('class="field signature-field has-error"')[1].split("</canvas>")[0]
    assert "Please sign before submitting." in pad
    assert "Looks fine" in page  # the note is kept
    hazard.refresh_from_db()
    assert hazard.state == State.AWAITING_ACCEPTANCE
    assert not hazard.acceptances.exists()


def test_rectify_without_signature_or_photo_shows_the_errors(
    acme_client, zhang, ma, w1_area, library
):
    hazard = _report(zhang, w1_area, library("general"))

    no_photo = _as(acme_client, ma).post(
        f"/h/{hazard.pk}/rectify/",
        {"rectify-description": "Fixed", "rectify-signature": make_signature()},
    )
    no_signature = acme_client.post(
        f"/h/{hazard.pk}/rectify/",
        {"rectify-description": "Fixed", "rectify-after_photos": [make_photo(size=(300, 200))]},
    )

    assert no_photo.status_code == 200
    assert "Add at least one photo after the fix." in no_photo.content.decode()
    assert "Please sign before submitting." in no_signature.content.decode()
    hazard.refresh_from_db()
    assert hazard.state == State.ASSIGNED


def test_rectify_with_a_file_that_is_not_a_photo_shows_the_error_at_the_photos(
    acme_client, zhang, ma, w1_area, library
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    hazard = _report(zhang, w1_area, library("general"))
    not_a_photo = SimpleUploadedFile("notes.jpg", b"not an image", content_type="image/jpeg")

    response = _as(acme_client, ma).post(
        f"/h/{hazard.pk}/rectify/",
        {
            "rectify-description": "Fixed",
            "rectify-after_photos": [not_a_photo],
            "rectify-signature": make_signature(),
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    fieldset = page.split('class="field photo-slots has-error"')[1].split("</fieldset>")[0]
    assert "not a photo we can read" in fieldset
    assert 'data-testid="photos-again"' in page
    hazard.refresh_from_db()
    assert hazard.state == State.ASSIGNED


def test_operator_cannot_accept_and_only_the_assignee_starts(
    acme_client, zhang, ma, li, w1_area, library
):
    hazard = _fixed(_report(zhang, w1_area, library("general")), ma)
    other = _report(zhang, w1_area, library("general"))

    accept = _as(acme_client, zhang).post(
        f"/h/{hazard.pk}/accept/", {"accept-note": "ok", "accept-signature": make_signature()}
    )
    start = _as(acme_client, li).post(f"/h/{other.pk}/start/")

    assert accept.status_code == 403
    assert start.status_code == 403  # Li sees W1's hazards but is not the fitter
    hazard.refresh_from_db()
    assert hazard.state == State.AWAITING_ACCEPTANCE


def test_unknown_action_is_404_and_get_is_not_allowed(acme_client, zhang, w1_area):
    hazard = _report(zhang, w1_area)
    _as(acme_client, zhang)

    assert acme_client.post(f"/h/{hazard.pk}/explode/").status_code == 404
    assert acme_client.get(f"/h/{hazard.pk}/start/").status_code == 405


def test_reassign_extend_and_decide_through_the_page(
    acme_client, zhang, ma, qian, sun, w1_area, library
):
    hazard = _report(zhang, w1_area, library("general"))
    new_deadline = "2099-01-01T10:00"

    requested = _as(acme_client, ma).post(
        f"/h/{hazard.pk}/extend/",
        {"extend-new_deadline": new_deadline, "extend-reason": "Spare part on order"},
    )
    sun_page = _as(acme_client, sun).get(f"/h/{hazard.pk}/").content.decode()
    approved = acme_client.post(
        f"/h/{hazard.pk}/decide_extension/", {"decide_extension-decision": "approve"}
    )
    qian_person = Person.objects.get(user=qian)
    reassigned = acme_client.post(
        f"/h/{hazard.pk}/reassign/",
        {"reassign-assignee": qian_person.pk, "reassign-reason": "Electrical fault"},
    )

    assert [requested.status_code, approved.status_code, reassigned.status_code] == [302] * 3
    assert 'data-testid="pending-extension"' in sun_page and "Spare part on order" in sun_page
    hazard.refresh_from_db()
    assert hazard.extensions.get().state == ExtensionState.APPROVED
    assert hazard.deadline.year == 2099
    assert hazard.assignee == qian_person


def test_bad_extension_date_and_missing_assignee_are_form_errors(
    acme_client, zhang, sun, ma, w1_area, library
):
    hazard = _report(zhang, w1_area, library("general"))

    bad_date = _as(acme_client, ma).post(
        f"/h/{hazard.pk}/extend/", {"extend-new_deadline": "soon", "extend-reason": "x"}
    )
    no_person = _as(acme_client, sun).post(f"/h/{hazard.pk}/reassign/", {"reassign-reason": "x"})

    assert bad_date.status_code == 200 and 'data-action="extend" open' in bad_date.content.decode()
    assert no_person.status_code == 200
    assert 'data-action="reassign" open' in no_person.content.decode()
    assert not hazard.extensions.exists()


def test_dismiss_needs_a_reason_and_closes_the_report(acme_client, zhang, sun, w1_area):
    hazard = _report(zhang, w1_area)

    empty = _as(acme_client, sun).post(f"/h/{hazard.pk}/dismiss/", {"dismiss-reason": ""})
    done = acme_client.post(f"/h/{hazard.pk}/dismiss/", {"dismiss-reason": "Not a hazard"})

    assert "Say why this is not a hazard." in empty.content.decode()
    assert done.status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == State.DISMISSED


def test_a_step_no_longer_possible_shows_why(acme_client, zhang, ma, w1_area, library):
    hazard = _report(zhang, w1_area, library("general"))
    services.start_rectification(hazard, by=ma)

    response = _as(acme_client, ma).post(f"/h/{hazard.pk}/start/")

    assert response.status_code == 200
    assert 'data-testid="action-errors"' in response.content.decode()


def test_hazard_outside_your_view_or_tenant_is_404(
    acme_client, globex_client, zhang, li, wang, globex
):
    other_workshop = Area.objects.get(code="W3-A1")
    hazard = _report(wang, other_workshop)

    as_zhang = _as(acme_client, zhang).get(f"/h/{hazard.pk}/")
    as_li = _as(acme_client, li).get(f"/h/{hazard.pk}/")
    as_wang = _as(acme_client, wang).get(f"/h/{hazard.pk}/")
    with tenant_context(globex):
        chen = get_user_model().objects.get(email="chen@globex.test")
        globex_client.force_login(chen)
    as_chen = globex_client.get(f"/h/{hazard.pk}/")

    assert (as_zhang.status_code, as_li.status_code, as_wang.status_code) == (404, 404, 200)
    assert as_chen.status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(acme_client, zhang, w1_area):
    hazard = _report(zhang, w1_area)

    response = acme_client.get(f"/h/{hazard.pk}/")

    assert response.status_code == 302 and "login" in response.url
