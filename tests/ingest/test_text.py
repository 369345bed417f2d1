"""Reading raw input: clear refusals for empty, binary and non-UTF-8 data; paragraphs; titles."""

from __future__ import annotations

import pytest

from backstory.errors import ExtractionError
from backstory.ingest.text import decode_text, paragraphs_of, split_title


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n\t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(0x80, 0x100)) * 4, "cannot tell the text's encoding"),
    ],
)
def test_bad_bytes_are_refused_with_the_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ExtractionError) as caught:
        decode_text(data, source="input.txt")
    assert reason in caught.value.message
    assert caught.value.source == "input.txt"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Le caf\u00e9 du port a rouvert vendredi apr\u00e8s des r\u00e9parations.", "cp1252"),
        ("\u201cWe had less than an hour of warning,\u201d Okonjo said.", "cp1252"),
        ("Порт вновь открылся в пятницу.", "cp1251"),
        ("The harbour reopened on Friday.", "utf-16"),
    ],
)
def test_legacy_encodings_are_detected(text: str, encoding: str) -> None:
    assert decode_text(text.encode(encoding), source="x") == text


def test_a_declared_charset_is_honoured() -> None:
    data = "Na\u00efve r\u00e9sum\u00e9".encode("iso8859-15")
    assert decode_text(data, source="x", declared="iso8859-15") == "Na\u00efve r\u00e9sum\u00e9"


def test_utf8_with_bom_and_windows_line_ends_is_read() -> None:
    assert decode_text("\ufeffOne.\r\nTwo.".encode(), source="x") == "One.\nTwo."


def test_paragraphs_are_lines_without_blank_ones() -> None:
    text = "First  paragraph.\n\n\nSecond one.\nThird one.\n"
    assert paragraphs_of(text) == ["First paragraph.", "Second one.", "Third one."]


def test_a_short_unpunctuated_first_line_is_the_title() -> None:
    title, rest = split_title(["Storm floods harbour", "The surge came at night."],
                              markdown=False)
    assert title == "Storm floods harbour"
    assert rest == ["The surge came at night."]


def test_a_first_sentence_is_not_taken_for_a_title() -> None:
    paragraphs = ["The surge came at night.", "Crews worked until dawn."]
    assert split_title(paragraphs, markdown=False) == (None, paragraphs)


def test_markdown_heading_is_the_title() -> None:
    title, rest = split_title(["# Council votes", "It was 9 to 2."], markdown=True)
    assert (title, rest) == ("Council votes", ["It was 9 to 2."])
