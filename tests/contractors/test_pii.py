"""The ID number's protection: encryption that survives a key rotation, a keyed hash
that is not a plain one, a mask, and a wrapper that never prints the number."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.fernet import Fernet

from safeloop.contractors import pii
from tests.contractors.conftest import WU_ID, WU_MASKED


def test_the_mask_keeps_the_region_and_the_last_four():
    assert pii.mask(WU_ID) == WU_MASKED
    assert pii.mask("11010519491231002X") == "110***********002X"


def test_an_id_number_never_prints_in_full():
    number = pii.IdNumber(WU_ID)
    assert WU_ID not in str(number) and WU_ID not in repr(number)
    assert WU_ID not in f"{number} {number!r} {[number]}"


def test_the_keyed_hash_is_no_plain_hash_and_follows_the_key(settings):
    first = pii.keyed_hash(WU_ID)
    assert first != hashlib.sha256(WU_ID.encode()).hexdigest()
    settings.SAFELOOP_PII_HASH_KEY = "another-key"
    assert pii.keyed_hash(WU_ID) != first


def test_a_number_encrypted_under_an_old_key_still_decrypts_after_rotation(settings):
    old = Fernet.generate_key().decode()
    settings.SAFELOOP_PII_KEY = old
    token = pii.encrypt(WU_ID)
    assert WU_ID not in token
    settings.SAFELOOP_PII_KEY = Fernet.generate_key().decode()
    with pytest.raises(pii.UndecryptableError):
        pii.decrypt(token)
    settings.SAFELOOP_PII_KEY_FALLBACKS = [old]
    assert pii.decrypt(token) == WU_ID


def test_two_encryptions_of_one_number_differ():
    assert pii.encrypt(WU_ID) != pii.encrypt(WU_ID)
