"""`backstory user add` and `user list` through typer's CliRunner on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

from argon2 import PasswordHasher
from typer.testing import CliRunner

from backstory.cli import app
from backstory.config import Settings
from backstory.store import open_store
from tests.editor.conftest import PASSWORD

runner = CliRunner()


def test_user_add_reads_the_password_from_stdin(db_path: Path) -> None:
    result = runner.invoke(app, ["--db", str(db_path), "user", "add", "ana",
                                 "--password-stdin", "--json"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr
    added = json.loads(result.stdout)
    assert added["name"] == "ana" and set(added) == {"id", "name", "created_at"}
    store = open_store(Settings(db=db_path).db_url)
    try:
        user = store.user("ana")
        assert user is not None and PasswordHasher().verify(user.password_hash, PASSWORD)
    finally:
        store.close()
    listed = runner.invoke(app, ["--db", str(db_path), "user", "list", "--json"])
    assert listed.exit_code == 0
    assert [u["name"] for u in json.loads(listed.stdout)] == ["ana"]


def test_user_add_prompts_twice_and_hides_the_password(db_path: Path) -> None:
    result = runner.invoke(app, ["--db", str(db_path), "user", "add", "ana"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.stderr
    assert PASSWORD not in result.output
    assert "Added editor ana" in result.stderr


def test_user_add_errors_are_messages_with_a_failing_exit_code(db_path: Path) -> None:
    def add(name: str, password: str) -> tuple[int, str]:
        result = runner.invoke(app, ["--db", str(db_path), "user", "add", name,
                                     "--password-stdin"], input=password + "\n")
        return result.exit_code, result.stderr

    assert add("ana", PASSWORD)[0] == 0
    code, stderr = add("ana", PASSWORD)
    assert code == 1 and "already exists" in stderr and "Traceback" not in stderr
    code, stderr = add("bob", "short")
    assert code == 1 and "too short" in stderr
    listed = runner.invoke(app, ["--db", str(db_path), "user", "list"])
    assert listed.exit_code == 0 and "ana" in listed.stdout and "bob" not in listed.stdout
