"""A person's own choice of language (it wins over the browser and the enterprise default)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from safeloop.access import ensure_can
from safeloop.platform.errors import field_error
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import Person
from safeloop.tenants.facilities.permissions import FacilityPerm


class LanguageErrorCode:
    UNKNOWN_LANGUAGE = "unknown_language"


def is_supported_language(code: str | None) -> bool:
    return code in dict(settings.LANGUAGES)


@transaction.atomic
def set_person_language(person: Person, language: str, *, by) -> Person:
    """Save ``language`` as ``person``'s choice; people choose their own, admins anyone's."""
    if by is None or by.pk != person.user_id:
        ensure_can(by, FacilityPerm.MANAGE_PEOPLE)
    if not is_supported_language(language):
        raise field_error(
            "language",
            _("Choose one of the offered languages."),
            LanguageErrorCode.UNKNOWN_LANGUAGE,
        )
    if person.language == language:
        return person
    previous = person.language
    person.language = language
    person.save(update_fields=["language"])
    record_event(person, "person.language_changed", by=by, language=language, previous=previous)
    return person
