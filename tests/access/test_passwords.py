"""Password hashing (argon2id): round trip, wrong and malformed input, rehash detection."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from patternwatch.access import passwords


def test_round_trip() -> None:
    digest = passwords.hash_password("correct horse battery")
    assert digest.startswith("$argon2id$")
    assert "correct horse battery" not in digest
    assert passwords.verify_password(digest, "correct horse battery")


def test_each_hash_is_salted() -> None:
    assert passwords.hash_password("same-password") != passwords.hash_password("same-password")


@pytest.mark.parametrize("attempt", ["correct horse batter", "CORRECT HORSE BATTERY", "", " "])
def test_wrong_password(attempt: str) -> None:
    digest = passwords.hash_password("correct horse battery")
    assert not passwords.verify_password(digest, attempt)


@pytest.mark.parametrize("digest", ["", "plain-text", "$argon2id$v=19$garbage", "$2b$12$abc"])
def test_malformed_hash_is_a_failed_check_not_an_error(digest: str) -> None:
    assert not passwords.verify_password(digest, "anything")


def test_dummy_hash_never_matches_a_real_guess() -> None:
    assert not passwords.verify_password(passwords.DUMMY_HASH, "correct horse battery")


def test_needs_rehash_detects_other_parameters() -> None:
    current = passwords.hash_password("pw-pw-pw-pw")
    assert not passwords.needs_rehash(current)
    other = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash("pw-pw-pw-pw")
    assert passwords.needs_rehash(other)
    # A hash with other parameters still verifies (so users can log in and be upgraded).
    assert passwords.verify_password(other, "pw-pw-pw-pw")


def test_minimum_length_is_ten() -> None:
    assert passwords.MIN_PASSWORD_LENGTH == 10
