"""Editor accounts: Argon2id password hashes, sessions with random tokens, CSRF tokens."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from backstory.errors import AuthError, EditorError
from backstory.models import AuditEntry, EditorSession, User
from backstory.store import Store

__all__ = ["DEFAULT_SESSION_TTL", "MIN_PASSWORD", "Accounts", "Login", "csrf_valid",
           "token_hash", "utc_now"]

LOGGER = logging.getLogger(__name__)
DEFAULT_SESSION_TTL = timedelta(hours=12)
MIN_PASSWORD = 10
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Login:
    """A successful login: the token for the session cookie (never stored) and the session."""

    token: str
    session: EditorSession


class Accounts:
    """Editor accounts and their sessions over one store.

    `hasher` defaults to argon2-cffi's RFC 9106 profile (Argon2id, 64 MiB); tests pass a
    cheaper one. `clock` gives the current time (UTC), so expiry can be tested.
    """

    def __init__(self, store: Store, *, hasher: PasswordHasher | None = None,
                 session_ttl: timedelta = DEFAULT_SESSION_TTL,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.hasher = hasher or PasswordHasher()
        self.session_ttl = session_ttl
        self.clock = clock
        self._dummy_hash: str | None = None

    def add_user(self, name: str, password: str) -> User:
        """Create an editor account; the password is stored only as its Argon2id hash."""
        if not _NAME.match(name):
            raise EditorError(f"cannot use {name!r} as an editor name: use 1–64 letters, "
                              "digits, '.', '_', '@' or '-', starting with a letter or digit",
                              name=name)
        if len(password) < MIN_PASSWORD:
            raise EditorError(f"the password is too short: use at least {MIN_PASSWORD} "
                              "characters", name=name)
        if self.store.user(name) is not None:
            raise EditorError(f"an editor named {name!r} already exists", name=name)
        now = _iso(self.clock())
        return self.store.add_user(name, self.hasher.hash(password), created_at=now,
                                   audit=AuditEntry(at=now, user=None, action="user-add",
                                                     detail=f"editor {name} added"))

    def users(self) -> list[User]:
        return self.store.users()

    def login(self, name: str, password: str) -> Login:
        """Check a name and password and open a session; `AuthError` if either is wrong."""
        user = self.store.user(name)
        now = self.clock()
        if user is None:
            # Hash anyway, so an unknown name takes as long as a wrong password and the
            # answer's timing does not tell which names exist.
            self._dummy_hash = self._dummy_hash or self.hasher.hash(secrets.token_urlsafe(16))
            self._verify(self._dummy_hash, password)
        if user is None or not self._verify(user.password_hash, password):
            self.store.add_audit(AuditEntry(
                at=_iso(now), user=user.name if user else None, action="login-refused",
                detail="" if user else "unknown name"))
            raise AuthError("wrong name or password", name=name)
        if self.hasher.check_needs_rehash(user.password_hash):
            self.store.set_password_hash(user.name, self.hasher.hash(password))
        token = secrets.token_urlsafe(32)
        session = EditorSession(token_hash=token_hash(token), user=user.name,
                                csrf_token=secrets.token_urlsafe(32), created_at=_iso(now),
                                expires_at=_iso(now + self.session_ttl))
        self.store.add_session(session, audit=AuditEntry(at=_iso(now), user=user.name,
                                                         action="login"))
        return Login(token=token, session=session)

    def session(self, token: str | None) -> EditorSession:
        """The live session a cookie's token opens; `AuthError` if none or expired."""
        if not token:
            raise AuthError("not logged in")
        session = self.store.editor_session(token_hash(token))
        if session is None:
            raise AuthError("not logged in (the session has ended)")
        if session.expires_at <= _iso(self.clock()):
            raise AuthError("the session has expired: log in again", user=session.user)
        return session

    def logout(self, token: str | None) -> None:
        """End the session of this token (nothing to do if there is none)."""
        if not token:
            return
        digest = token_hash(token)
        session = self.store.editor_session(digest)
        self.store.end_session(digest, audit=AuditEntry(
            at=_iso(self.clock()), user=session.user, action="logout") if session else None)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def csrf_valid(session: EditorSession, token: str | None) -> bool:
    """Whether a form's or header's CSRF token is the one bound to this session."""
    return bool(token) and hmac.compare_digest(session.csrf_token.encode(),
                                               (token or "").encode())


def token_hash(token: str) -> str:
    """How a session token is kept in the store: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
