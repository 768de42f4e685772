"""Console users: a one-time setup link, argon2id passwords, TOTP (required for admins), no replay."""

from __future__ import annotations

import time

import pyotp
import pytest

from idscan.console import users
from idscan.container import Container
from idscan.db import transaction
from idscan.errors import AuthenticationError, ConflictError, NotFoundError, ValidationError
from tests.console.conftest import PASSWORD


def test_setup_link_sets_an_argon2_password_once(container: Container) -> None:
    with transaction(container.session_factory) as session:
        new = users.create(session, " Reviewer@Example.org ", users.Role.REVIEWER)
    assert new.user.email == "reviewer@example.org"
    assert new.user.password_hash is None
    with transaction(container.session_factory) as session:
        user = users.complete_setup(session, container.keyring, new.setup_token, PASSWORD, "", "")
        assert user.password_hash is not None
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
    with transaction(container.session_factory) as session, pytest.raises(NotFoundError):
        users.complete_setup(session, container.keyring, new.setup_token, PASSWORD, "", "")
    with transaction(container.session_factory) as session:
        assert (
            users.authenticate(session, container.keyring, "REVIEWER@example.org", PASSWORD, "").role
            == "reviewer"
        )
        with pytest.raises(AuthenticationError):
            users.authenticate(session, container.keyring, "reviewer@example.org", "wrong password!", "")
        with pytest.raises(AuthenticationError):
            users.authenticate(session, container.keyring, "nobody@example.org", PASSWORD, "")


def test_an_admin_must_enrol_totp_and_a_code_is_good_once(container: Container) -> None:
    secret = pyotp.random_base32()
    totp = pyotp.TOTP(secret)
    with transaction(container.session_factory) as session:
        new = users.create(session, "admin@example.org", users.Role.ADMIN)
    with transaction(container.session_factory) as session, pytest.raises(ValidationError):
        users.complete_setup(session, container.keyring, new.setup_token, PASSWORD, secret, "")
    with transaction(container.session_factory) as session, pytest.raises(ValidationError):
        users.complete_setup(session, container.keyring, new.setup_token, "short", secret, totp.now())
    # Codes by explicit step (this one, then the next, which the drift window accepts): a 30 s step
    # boundary falling anywhere in the test changes nothing.
    step = int(time.time() // 30)
    previous = totp.at(step * 30)
    with transaction(container.session_factory) as session:
        user = users.complete_setup(session, container.keyring, new.setup_token, PASSWORD, secret, previous)
        assert user.totp_sealed is not None
        assert secret.encode() not in user.totp_sealed
    with transaction(container.session_factory) as session:
        with pytest.raises(AuthenticationError):  # no code
            users.authenticate(session, container.keyring, "admin@example.org", PASSWORD, "")
        with pytest.raises(AuthenticationError):  # the code used at setup: spent
            users.authenticate(session, container.keyring, "admin@example.org", PASSWORD, previous)
    code = totp.at((step + 1) * 30)
    with transaction(container.session_factory) as session:
        users.authenticate(session, container.keyring, "admin@example.org", PASSWORD, code)
    with transaction(container.session_factory) as session, pytest.raises(AuthenticationError):
        users.authenticate(session, container.keyring, "admin@example.org", PASSWORD, code)  # replay


def test_duplicates_and_bad_addresses_are_refused(container: Container) -> None:
    with transaction(container.session_factory) as session:
        users.create(session, "a@example.org", users.Role.VIEWER)
    with transaction(container.session_factory) as session, pytest.raises(ConflictError):
        users.create(session, "A@example.org", users.Role.VIEWER)
    with transaction(container.session_factory) as session, pytest.raises(ValidationError):
        users.create(session, "not an address", users.Role.VIEWER)


def test_disabled_users_and_reset_links(container: Container) -> None:
    with transaction(container.session_factory) as session:
        new = users.create(session, "v@example.org", users.Role.VIEWER)
        users.complete_setup(session, container.keyring, new.setup_token, PASSWORD, "", "")
    with transaction(container.session_factory) as session:
        reset = users.reset(session, new.user.id)
    with transaction(container.session_factory) as session, pytest.raises(AuthenticationError):
        users.authenticate(session, container.keyring, "v@example.org", PASSWORD, "")  # password gone
    with transaction(container.session_factory) as session:
        users.complete_setup(session, container.keyring, reset.setup_token, PASSWORD, "", "")
        users.disable(session, new.user.id)
    with transaction(container.session_factory) as session, pytest.raises(AuthenticationError):
        users.authenticate(session, container.keyring, "v@example.org", PASSWORD, "")
