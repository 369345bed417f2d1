"""Editor accounts on a real SQLite store: Argon2id hashes, sessions, expiry, CSRF tokens."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from backstory.editor import Accounts, csrf_valid, token_hash
from backstory.errors import AuthError, EditorError
from backstory.store import Store
from tests.conftest import sql_rows
from tests.editor.conftest import PASSWORD, Clock, fast_hasher


def test_password_is_stored_as_an_argon2id_hash_that_verifies(accounts: Accounts,
                                                               store: Store) -> None:
    accounts.add_user("ana", PASSWORD)
    user = store.user("ana")
    assert user is not None
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert PasswordHasher().verify(user.password_hash, PASSWORD)


def test_default_hasher_is_memory_hard(store: Store) -> None:
    hasher = Accounts(store).hasher
    assert hasher.memory_cost >= 19 * 1024  # KiB: at least OWASP's minimum for Argon2id
    assert hasher.type.name == "ID"


def test_wrong_password_and_unknown_name_are_refused_alike(accounts: Accounts,
                                                           store: Store) -> None:
    accounts.add_user("ana", PASSWORD)
    with pytest.raises(AuthError) as wrong:
        accounts.login("ana", "not the password")
    with pytest.raises(AuthError) as unknown:
        accounts.login("bob", PASSWORD)
    assert wrong.value.message == unknown.value.message == "wrong name or password"
    assert [e.action for e in store.audit_log()][:2] == ["login-refused", "login-refused"]


def test_bad_names_short_passwords_and_taken_names_are_refused(accounts: Accounts) -> None:
    accounts.add_user("ana", PASSWORD)
    for name, password in [("", PASSWORD), ("a b", PASSWORD), ("<script>", PASSWORD),
                           ("carl", "short"), ("ana", PASSWORD)]:
        with pytest.raises(EditorError):
            accounts.add_user(name, password)
    assert [u.name for u in accounts.users()] == ["ana"]


def test_session_token_is_stored_only_hashed(accounts: Accounts, store: Store) -> None:
    accounts.add_user("ana", PASSWORD)
    login = accounts.login("ana", PASSWORD)
    assert accounts.session(login.token).user == "ana"
    stored = sql_rows(store.url, "SELECT token_hash FROM sessions")
    assert stored == [(token_hash(login.token),)]
    assert login.token not in str(stored)


def test_session_expires(store: Store, clock: Clock) -> None:
    from datetime import timedelta

    accounts = Accounts(store, hasher=fast_hasher(), clock=clock,
                        session_ttl=timedelta(hours=1))
    accounts.add_user("ana", PASSWORD)
    login = accounts.login("ana", PASSWORD)
    clock.advance(minutes=59)
    assert accounts.session(login.token).user == "ana"
    clock.advance(minutes=1)
    with pytest.raises(AuthError, match="expired"):
        accounts.session(login.token)


def test_logout_ends_the_session(accounts: Accounts, store: Store) -> None:
    accounts.add_user("ana", PASSWORD)
    login = accounts.login("ana", PASSWORD)
    accounts.logout(login.token)
    with pytest.raises(AuthError):
        accounts.session(login.token)
    with pytest.raises(AuthError):
        accounts.session(None)
    assert [e.action for e in store.audit_log()][:2] == ["logout", "login"]


def test_csrf_token_is_bound_to_its_session(accounts: Accounts) -> None:
    accounts.add_user("ana", PASSWORD)
    first = accounts.login("ana", PASSWORD).session
    second = accounts.login("ana", PASSWORD).session
    assert csrf_valid(first, first.csrf_token)
    assert not csrf_valid(first, second.csrf_token)
    assert not csrf_valid(first, None) and not csrf_valid(first, "")


def test_old_hash_parameters_are_upgraded_at_login(store: Store, clock: Clock) -> None:
    Accounts(store, hasher=PasswordHasher(time_cost=1, memory_cost=512, parallelism=1),
             clock=clock).add_user("ana", PASSWORD)
    stronger = Accounts(store, hasher=fast_hasher(), clock=clock)
    stronger.login("ana", PASSWORD)
    user = store.user("ana")
    assert user is not None and "m=1024" in user.password_hash
