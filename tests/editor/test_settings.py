"""The `show_unreviewed` setting, read from BACKSTORY_SHOW_UNREVIEWED."""

from __future__ import annotations

import pytest

from backstory.config import Settings
from backstory.errors import ConfigError


def test_readers_see_unreviewed_drafts_unless_the_setting_says_no(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BACKSTORY_SHOW_UNREVIEWED", raising=False)
    assert Settings.from_env().show_unreviewed is True
    for value, expected in [("0", False), ("false", False), ("No", False), ("1", True),
                            ("yes", True)]:
        monkeypatch.setenv("BACKSTORY_SHOW_UNREVIEWED", value)
        assert Settings.from_env().show_unreviewed is expected
    monkeypatch.setenv("BACKSTORY_SHOW_UNREVIEWED", "maybe")
    with pytest.raises(ConfigError, match="BACKSTORY_SHOW_UNREVIEWED"):
        Settings.from_env()
