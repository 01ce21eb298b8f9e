"""The channels page: each person picks email and SMS; the inbox is always on.

Li (team leader) has no phone number on file until Wang (admin) adds one.
"""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from safeloop.tenants.alerts.services import channels_for
from safeloop.tenants.facilities.services import update_person

pytestmark = pytest.mark.django_db


def test_page_shows_the_choices_and_that_there_is_no_phone_number(as_li):
    response = as_li.get("/inbox/channels/")
    html = response.content.decode()

    assert response.status_code == 200
    assert 'id="id_inbox" checked disabled data-testid="channel-inbox"' in html
    assert response.context["form"]["channels"].value() == ["email"]
    assert response.context["phone"] == ""
    assert 'data-testid="no-phone"' in html and 'data-testid="sms-phone"' not in html


def test_the_phone_number_sms_goes_to_is_shown(as_li, li, wang):
    update_person(li.person, by=wang, phone="13900139000")

    html = as_li.get("/inbox/channels/").content.decode()

    assert 'data-testid="sms-phone"' in html and "<strong>13900139000</strong>" in html


def test_choosing_sms_instead_of_email_is_saved(as_li, li, wang):
    update_person(li.person, by=wang, phone="13900139000")

    response = as_li.post("/inbox/channels/", {"channels": ["sms"]})

    assert response.status_code == 302 and response["Location"] == "/inbox/channels/"
    assert channels_for(li) == ["inbox", "sms"]


def test_choosing_sms_without_a_phone_number_is_refused(as_li, li):
    response = as_li.post("/inbox/channels/", {"channels": ["email", "sms"]})

    assert response.status_code == 200
    assert 'data-testid="form-errors"' in response.content.decode()
    assert channels_for(li) == ["inbox", "email"]


def test_an_unknown_channel_is_refused(as_li, li):
    response = as_li.post("/inbox/channels/", {"channels": ["fax"]})

    assert response.status_code == 200 and response.context["form"].errors
    assert channels_for(li) == ["inbox", "email"]


def test_turning_everything_off_leaves_the_inbox(as_li, li):
    as_li.post("/inbox/channels/", {})

    assert channels_for(li) == ["inbox"]


def test_each_enterprise_keeps_its_own_choices(as_chen, chen, li, acme, globex):
    as_chen.post("/inbox/channels/", {})

    with tenant_context(globex):
        assert channels_for(chen) == ["inbox"]
    with tenant_context(acme):
        assert channels_for(li) == ["inbox", "email"]


def test_signed_out_visitors_are_sent_to_sign_in(acme_client):
    response = acme_client.get("/inbox/channels/", follow=True)

    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=")
