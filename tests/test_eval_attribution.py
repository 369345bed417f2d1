"""The attribution scorer's span matching (eval/attribution.py)."""

from __future__ import annotations

from pathlib import Path

from backstory.models import Quote, Relay
from eval.attribution import Attribution, _annotations, _exact, _predicted

TEXT = '"We held. We will rebuild," Lee said. "The wall stays. Crews start Monday."'


def piece(words: str) -> tuple[int, int]:
    return piece_of(TEXT, words)


def test_pieces_cut_at_sentence_ends_are_one_span() -> None:
    # brat's record of a quotation on both sides of its cue, cut at every sentence end
    gold = (piece('"We held.'), piece('We will rebuild,"'), piece('"The wall stays.'),
            piece('Crews start Monday."'))
    assert _exact(TEXT, (piece("The wall stays. Crews start Monday."),), gold)
    assert _exact(TEXT, (piece("We held. We will rebuild"),), gold)
    # one sentence of the two after the cue is not the span
    assert not _exact(TEXT, (piece("Crews start Monday"),), gold)


def test_pieces_apart_are_not_joined() -> None:
    gold = (piece('"We held.'), piece('"The wall stays.'))
    assert not _exact(TEXT, (piece("We held. We will rebuild"),), gold)


def test_a_text_annotated_twice_keeps_both_files_in_annotator_order(tmp_path: Path) -> None:
    folder = tmp_path / "attributions"
    folder.mkdir()
    for name in ("wire_2016-01-02_port-strike_b2.ann", "wire_2016-01-02_port-strike_a1.ann",
                 "wire_2016-01-03_tram-line_a1.ann"):
        (folder / name).write_text("", encoding="utf-8")
    found = _annotations(tmp_path)
    assert {base: [path.name for path in paths] for base, paths in found.items()} == {
        "wire_2016-01-02_port-strike": ["wire_2016-01-02_port-strike_a1.ann",
                                        "wire_2016-01-02_port-strike_b2.ann"],
        "wire_2016-01-03_tram-line": ["wire_2016-01-03_tram-line_a1.ann"],
    }


def test_two_quotations_in_a_row_stay_two_pieces() -> None:
    text = '"We held." Lee added:\n"The wall stays."\n"Crews start Monday."'
    gold = (piece_of(text, '"The wall stays."'), piece_of(text, '"Crews start Monday."'))
    assert _exact(text, (piece_of(text, "Crews start Monday"),), gold)
    assert _exact(text, (piece_of(text, 'The wall stays."\n"Crews start Monday'),), gold)


def test_a_no_break_space_at_an_edge_is_whitespace() -> None:
    text = '"The wall stays."\xa0Lee said.'
    gold = (piece_of(text, '"The wall stays."\xa0'),)
    assert _exact(text, (piece_of(text, "The wall stays"),), gold)


def piece_of(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def test_a_relay_is_scored_once_as_an_attribution_of_its_own() -> None:
    text = "Okafor said the levy would pass, according to the Post. “It will,” she said."
    relay = Relay(source_start=text.index("the Post"), source_end=text.index("the Post") + 8,
                  cue_start=text.index("according"), cue_end=text.index("according") + 12,
                  start=0, end=text.index(", according"))
    said = text.index("said")
    quote = Quote(sentence_index=0, speaker=None, speaker_text="Okafor", speaker_start=0,
                  speaker_end=6, cue="said", cue_start=said, cue_end=said + 4,
                  content="the levy would pass", start=said + 5, end=text.index(", according"),
                  direct=False, relay=relay)
    predicted = _predicted([quote, quote])  # a continuation repeats its quote's relay
    assert predicted[-1] == Attribution(((relay.source_start, relay.source_end),),
                                        ((relay.cue_start, relay.cue_end),), ((0, relay.end),))
    assert len(predicted) == 3
