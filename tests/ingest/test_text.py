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
        ("Caf\u00e9 owners protest".encode("latin-1"), "not UTF-8 (byte 0xe9 at offset 3)"),
    ],
)
def test_bad_bytes_are_refused_with_the_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ExtractionError) as caught:
        decode_text(data, source="input.txt")
    assert reason in caught.value.message
    assert caught.value.source == "input.txt"


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
