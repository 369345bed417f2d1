"""What a question asks for: the expected answer type and the names it is about."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from backstory.nlp import clean_name

__all__ = ["Question", "read_question"]

# Expected answer type → the entity types that can fill it, with how well each fits:
# "who" is best answered by a person, then an organization, only then a country.
ANSWER_TYPES: dict[str, dict[str, float]] = {
    "person": {"PERSON": 1.0, "ORG": 0.8, "NORP": 0.5, "GPE": 0.5},
    "place": {"GPE": 1.0, "LOC": 1.0, "FAC": 1.0},
    "time": {"DATE": 1.0, "TIME": 0.8},
    "number": {"CARDINAL": 1.0, "QUANTITY": 1.0, "MONEY": 1.0, "PERCENT": 1.0},
    "duration": {"TIME": 1.0, "DATE": 1.0, "QUANTITY": 0.8},
}
_NAME_TYPES = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT"}


@dataclass(frozen=True, slots=True)
class Question:
    """A parsed question: its text, expected answer type (None: a sentence) and names."""

    text: str
    answer_type: str | None
    names: tuple[str, ...]

    @property
    def entity_types(self) -> dict[str, float]:
        """Entity types that can answer the question, each with how well it fits."""
        return ANSWER_TYPES.get(self.answer_type or "", {})


def read_question(doc: Doc) -> Question:
    """Read the answer type from the wh-word and the names from the question's entities."""
    words = [t.lower_ for t in doc]
    answer_type: str | None = None
    if "how" in words:
        following = words[words.index("how") + 1:words.index("how") + 2]
        if following and following[0] == "long":
            answer_type = "duration"
        elif following and following[0] in ("many", "much", "old", "far"):
            answer_type = "number"
    elif "who" in words or "whom" in words or "whose" in words:
        answer_type = "person"
    elif "where" in words:
        answer_type = "place"
    elif "when" in words or ("what" in words and any(w in words for w in ("date", "day", "year",
                                                                           "month"))):
        answer_type = "time"
    names = tuple(dict.fromkeys(
        clean_name(ent.text) for ent in doc.ents if ent.label_ in _NAME_TYPES
    ))
    return Question(text=doc.text, answer_type=answer_type, names=names)
