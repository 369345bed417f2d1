"""What a question asks for: the expected answer type and the names it is about."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from spacy.tokens import Doc

from backstory.nlp import clean_name
from backstory.nlp.cues import CUE_LEMMA_OF
from backstory.nlp.events import event_type

__all__ = ["CAUSAL", "REASON_BOOST", "Question", "read_question"]

# Expected answer type → the entity types that can fill it, with how well each fits:
# "who" is best answered by a person, then an organization, only then a country.
ANSWER_TYPES: dict[str, dict[str, float]] = {
    "person": {"PERSON": 1.0, "ORG": 0.8, "NORP": 0.5, "GPE": 0.5},
    "place": {"GPE": 1.0, "LOC": 1.0, "FAC": 1.0},
    "time": {"DATE": 1.0, "TIME": 0.8},
    "clock": {"TIME": 1.0, "DATE": 0.3},
    "number": {"CARDINAL": 1.0, "QUANTITY": 1.0, "MONEY": 1.0, "PERCENT": 1.0},
    "duration": {"TIME": 1.0, "DATE": 1.0, "QUANTITY": 0.8},
    "amount": {"MONEY": 1.0, "PERCENT": 1.0, "QUANTITY": 1.0},
    "age": {"DATE": 1.0, "CARDINAL": 1.0},
    "range": {"PERCENT": 1.0, "MONEY": 1.0, "QUANTITY": 1.0, "CARDINAL": 1.0},
    # A named thing: spaCy's small model often tags a product's name as an organization.
    "product": {"PRODUCT": 1.0, "ORG": 0.7},
}
# A sentence giving a cause ("because", "due to", "in response to") answers a "why" better.
CAUSAL = re.compile(r"\b(because|due to|owing to|in response to|as a result of|caused by|"
                    r"in order to|so that|thanks to|on account of|the reason)\b", re.I)
REASON_BOOST = 1.25
_NAME_TYPES = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT"}


# Questions about someone's words: "What did X say / ask / tell…", "How did X describe…".
_QUOTE_OPENERS = ("what", "how")
# Verbs of a reaction that a quote answers ("How did X react / respond / credit Y?").
_REACTIONS = {"react", "respond", "reply", "credit", "describe", "characterize", "view",
              "greet", "welcome", "explain", "justify", "defend", "criticize", "criticise"}
_ROLE_WORDS = {"job", "role", "title", "position", "post"}
_TOPIC_WORDS = {"about", "on", "over", "concerning", "regarding"}


@dataclass(frozen=True, slots=True)
class Question:
    """A parsed question: its text, expected answer type (None: a sentence) and names.

    `kind` refines the type for answers from records: role, quote, topic, reason, or the
    answer type itself; `event` is the event type the question names ("meet" → meeting)
    and `cue` the speech verb it uses ("say", "urge"), if any; `before`/`after` bound the
    year of a time the question asks for.
    """

    text: str
    answer_type: str | None
    names: tuple[str, ...]
    kind: str | None = None
    event: str | None = None
    cue: str | None = None
    before: str | None = None  # a year the answer must precede ("before 2022")
    after: str | None = None  # a year the answer must follow ("after 2020", "since 2020")
    # "When had the Fed last cut rates?": a time before the news that reports it.
    earlier: bool = False
    # "Who kicked the deciding goal?": the verb and the head of its object, as written
    # ("kicked", "goal"); the person asked for is the one who did that to that.
    action: tuple[str, str] | None = None

    @property
    def entity_types(self) -> dict[str, float]:
        """Entity types that can answer the question, each with how well it fits."""
        return ANSWER_TYPES.get(self.answer_type or "", {})


def read_question(doc: Doc) -> Question:
    """Read the answer type from the wh-word and the names from the question's entities."""
    words = [t.lower_ for t in doc]
    answer_type = _answer_type(words)
    names = tuple(dict.fromkeys(
        clean_name(ent.text) for ent in doc.ents if ent.label_ in _NAME_TYPES
    ))
    event = next((t for t in map(event_type, words) if t), None)
    cue = next((CUE_LEMMA_OF[w] for w in words if w in CUE_LEMMA_OF
                and event_type(w) is None), None)
    kind = _kind(words, answer_type, cue, event)
    if _asks_who_someone_is(words, names):
        kind, answer_type = "role", None  # the answer is a role, not another person
    before, after = _year_bounds(words)
    earlier = answer_type == "time" and "last" in words and ("had" in words or "before" in words)
    return Question(text=doc.text, answer_type=answer_type, names=names,
                    kind=kind, event=event, cue=cue, before=before, after=after,
                    earlier=earlier, action=_action(words) if kind == "person" else None)


def _action(words: list[str]) -> tuple[str, str] | None:
    """What "who" did to what, from a question that opens "who" and a verb: "Who kicked
    the deciding goal in the final?" → ("kicked", "goal"), the object's last word
    before a preposition. None when "who" is followed by an auxiliary ("who was …") or the
    verb has no object ("who resigned?")."""
    if words[:1] != ["who"] or len(words) < 3 or words[1] in _AUXILIARIES or not words[1].isalpha():
        return None
    phrase = list(itertools.takewhile(lambda w: w not in _PHRASE_ENDS, words[2:]))
    head = phrase[-1] if phrase else None
    return (words[1], head) if head and head.isalpha() else None


def _year_bounds(words: list[str]) -> tuple[str | None, str | None]:
    """The years a question bounds its answer with: "before 2022" → ("2022", None)."""
    before = after = None
    for word, following in itertools.pairwise(words):
        if not (len(following) == 4 and following.isdigit()):
            continue
        if word in ("before", "until", "till"):
            before = following
        elif word in ("after", "since"):
            after = following
    return before, after


def _asks_who_someone_is(words: list[str], names: tuple[str, ...]) -> bool:
    """"Who is Wang Xiaohong?": the question is only the name, so it asks for the role."""
    if len(names) != 1 or words[:1] != ["who"] or words[1:2] not in (["is"], ["was"]):
        return False
    named = {w.lower() for w in names[0].split()}
    return all(w in named or w in {"?", "the", "'s"} for w in words[2:])


_WH_WORDS = {"how", "who", "whom", "whose", "where", "when", "what", "which", "why"}
# Nouns that, right after "which"/"what", ask for a person or a place; how many words after
# the wh-word the noun may stand ("which U.S. official", "what Fed board member").
_NOUN_REACH = 3
_PERSON_NOUNS = {
    "official", "officials", "player", "players", "minister", "ministers", "leader",
    "leaders", "president", "spokesman", "spokeswoman", "spokesperson", "worker", "workers",
    "scientist", "scientists", "governor", "senator", "lawmaker", "lawmakers", "judge",
    "executive", "ceo", "chairman", "chairwoman", "man", "woman", "person", "people",
    "politician", "candidate", "candidates", "general", "diplomat", "ambassador", "coach",
    "striker", "author", "victim", "victims", "suspect", "laureate", "laureates",
    "councillor", "councillors", "councilor", "councilors", "mayor", "chancellor",
}
# Words that end the wh-phrase: "what did the CEO say" asks for words, not for a CEO.
_AUXILIARIES = {"did", "does", "do", "is", "was", "are", "were", "has", "have", "had", "will",
                "would", "can", "could", "should", "may", "might", "must"}
_PLACE_NOUNS = {"city", "town", "country", "countries", "state", "province", "region",
                "stadium", "venue", "airport", "port", "village", "capital"}
# Nouns that ask for a figure: "What is the new range of fees …", "what was the score …".
_FIGURE_NOUNS = {"range", "rate", "rates", "level", "percentage", "share", "price", "prices",
                 "cost", "score", "scoreline", "total", "figure", "toll", "tally", "sum",
                 "margin", "salary", "budget", "fine", "value", "valuation"}
# Nouns that ask for a named thing: "Which Acme software's update …".
_PRODUCT_NOUNS = {"software", "app", "application", "program", "product", "products",
                  "device", "devices", "platform", "service", "tool", "vaccine", "vaccines",
                  "drug", "drugs", "phone", "model", "car", "vehicle", "aircraft", "plane",
                  "ship", "vessel", "weapon", "weapons", "missile", "missiles", "chip",
                  "chatbot", "browser", "console", "satellite", "rocket", "spacecraft"}
_COPULAS = {"is", "was", "are", "were"}
# Words that end the noun phrase after "what is": "the score of the final" asks for a score.
_PHRASE_ENDS = _AUXILIARIES | {"of", "for", "in", "on", "at", "by", "before", "after", "from",
                               "to", "that", "which", "when", "since", "?"}


def _answer_type(words: list[str]) -> str | None:
    """The answer type the question's first wh-word asks for ("Why … when it fell?" asks
    for a reason, not a time)."""
    wh = next((i for i, w in enumerate(words) if w in _WH_WORDS), None)
    if wh is None:
        return None
    word, following = words[wh], words[wh + 1:wh + 2]
    if word == "how":
        if following == ["long"]:
            return "duration"
        if following == ["much"]:
            return "amount"  # a sum, a share or a measure: "how much" is never a head count
        if following == ["old"]:
            return "age"
        return "number" if following and following[0] in ("many", "far") else None
    if word in ("who", "whom", "whose"):
        return "person"
    if word == "where":
        return "place"
    if word in ("what", "which") and following == ["time"]:
        return "clock"  # "At what time …": a time of day, not a date
    if word in ("what", "which"):
        # "Which Fed official …", "which France players …": the noun says who is asked for.
        asked = list(itertools.takewhile(lambda w: w not in _AUXILIARIES,
                                         words[wh + 1:wh + 1 + _NOUN_REACH]))
        if following and following[0] in _COPULAS:
            # "What was the fee range before the vote?": the noun after the copula.
            asked = list(itertools.takewhile(lambda w: w not in _PHRASE_ENDS,
                                             words[wh + 2:wh + 3 + _NOUN_REACH]))[-1:]
            if asked == ["range"]:
                return "range"  # two figures: "3 to 4 dollars"
            if any(w in _FIGURE_NOUNS for w in asked):
                return "number"
        if any(w in _PERSON_NOUNS for w in asked):
            return "person"
        if any(w in _PLACE_NOUNS for w in asked):
            return "place"
        if any(w in _PRODUCT_NOUNS for w in asked):
            return "product"
    if word == "when" or (word in ("what", "which") and following
                          and following[0] in ("date", "day", "year", "month")):
        return "time"
    return None


def _kind(words: list[str], answer_type: str | None, cue: str | None,
          event: str | None) -> str | None:
    if words[:1] == ["why"]:
        return "reason"
    if answer_type is None and (_ROLE_WORDS & set(words)) and ("'s" in words or "is" in words):
        return "role"
    if answer_type is None and event and words[-1:] and words[-1] in _TOPIC_WORDS | {"?"} \
            and any(w in _TOPIC_WORDS for w in words[-3:]):
        return "topic"
    if answer_type is None and cue and words[:1] and words[0] in _QUOTE_OPENERS \
            and words[1:2] != [] and words[1] not in _COPULAS:
        return "quote"  # "how did X decide", not "how was it decided" (no one speaks)
    if answer_type is None and words[:2] == ["how", "did"] and _REACTIONS & set(words):
        return "quote"  # "How did Trump react to …" is answered by what Trump said
    return answer_type
