"""Coarse part-of-speech tags and the few lemmas the extractors read, set cheaply.

spaCy's attribute ruler (tag → POS by pattern matching) and rule lemmatizer together cost
more than the dependency parser itself on news text; the extractors only need the
universal POS of each token and the lemmas of cue verbs, "be" and a few nouns, so this
component derives them from the fine-grained tag with a table and a lookup.
"""

# No `from __future__ import annotations` here: spaCy reads the factory's annotations.
from typing import cast

import numpy
from spacy.attrs import DEP, LEMMA, LOWER, POS, TAG
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.strings import StringStore
from spacy.tokens import Doc
from thinc.types import Ints2d

from backstory.nlp.cues import CUE_LEMMA_OF, DOCUMENT_NOUNS, EVIDENCE_NOUNS, ROLE_NOUNS

__all__ = ["COMPONENT", "LightAttributes", "light_attributes"]

COMPONENT = "light_attributes"

# Penn Treebank tags (as the English tagger predicts them) → universal POS.
_UPOS = {
    "CC": "CCONJ", "CD": "NUM", "DT": "DET", "EX": "PRON", "FW": "X", "IN": "ADP",
    "JJ": "ADJ", "JJR": "ADJ", "JJS": "ADJ", "LS": "X", "MD": "AUX", "NN": "NOUN",
    "NNS": "NOUN", "NNP": "PROPN", "NNPS": "PROPN", "PDT": "DET", "POS": "PART",
    "PRP": "PRON", "PRP$": "PRON", "RB": "ADV", "RBR": "ADV", "RBS": "ADV", "RP": "ADP",
    "SYM": "SYM", "TO": "PART", "UH": "INTJ", "VB": "VERB", "VBD": "VERB", "VBG": "VERB",
    "VBN": "VERB", "VBP": "VERB", "VBZ": "VERB", "WDT": "PRON", "WP": "PRON", "WP$": "PRON",
    "WRB": "ADV", ".": "PUNCT", ",": "PUNCT", ":": "PUNCT", "-LRB-": "PUNCT",
    "-RRB-": "PUNCT", "``": "PUNCT", "''": "PUNCT", "HYPH": "PUNCT", "NFP": "PUNCT",
    "$": "SYM", "#": "SYM", "ADD": "X", "AFX": "ADJ", "XX": "X", "_SP": "SPACE",
}
_AUXILIARIES = {
    **dict.fromkeys(("be", "am", "is", "are", "was", "were", "been", "being", "'s", "'re",
                     "'m", "’s", "’re", "’m"), "be"),
    **dict.fromkeys(("have", "has", "had", "having", "'ve", "’ve"), "have"),
    **dict.fromkeys(("do", "does", "did"), "do"),
}


def _plural(noun: str) -> str:
    """The regular plural of a lemma noun: "polls", "studies", "analyses"."""
    if noun.endswith("sis"):
        return noun[:-2] + "es"
    if noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        return noun[:-1] + "ies"
    return noun + "s"


_NOUNS = DOCUMENT_NOUNS | ROLE_NOUNS | EVIDENCE_NOUNS
_NOUN_LEMMAS = {
    **{noun: noun for noun in _NOUNS},
    **{_plural(noun): noun for noun in _NOUNS},
    "spokespeople": "spokesperson",
}


@Language.factory(COMPONENT)
def light_attributes(nlp: Language, name: str) -> "LightAttributes":
    return LightAttributes(nlp.vocab.strings)


class LightAttributes:
    """Sets `pos_` from the tag and `lemma_` for auxiliaries, cue verbs and speaker nouns
    (other tokens get their lowercase form as lemma).

    It reads and writes the doc's attribute arrays by string key: a `Token` object per
    word would cost more than the rules (a tenth of the parse pipeline's time).
    """

    def __init__(self, strings: StringStore) -> None:
        def key(text: str) -> int:
            return int(strings.add(text))

        self._upos = {key(tag): POS_IDS[pos] for tag, pos in _UPOS.items()}
        self._verb_tags = {key(tag) for tag in _UPOS if tag.startswith("VB")}
        self._noun_tags = {key(tag) for tag in _UPOS if tag.startswith("NN")}
        self._auxiliaries = {key(form): key(lemma) for form, lemma in _AUXILIARIES.items()}
        self._as_aux = {key(dep) for dep in ("aux", "auxpass", "cop")}
        self._verb_lemmas = {key(form): key(lemma) for form, lemma in CUE_LEMMA_OF.items()}
        self._noun_lemmas = {key(form): key(lemma) for form, lemma in _NOUN_LEMMAS.items()}
        self._unknown, self._aux, self._verb = POS_IDS["X"], POS_IDS["AUX"], POS_IDS["VERB"]

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        values = numpy.empty((len(doc), 2), dtype="uint64")
        for i, (lower, tag, dep) in enumerate(doc.to_array([LOWER, TAG, DEP]).tolist()):
            if tag in self._verb_tags:
                if lower in self._auxiliaries:
                    pos = self._aux if dep in self._as_aux else self._verb
                    values[i] = pos, self._auxiliaries[lower]
                    continue
                values[i] = self._verb, self._verb_lemmas.get(lower, lower)
            elif tag in self._noun_tags:
                values[i] = self._upos[tag], self._noun_lemmas.get(lower, lower)
            else:
                values[i] = self._upos.get(tag, self._unknown), lower
        doc.from_array([POS, LEMMA], cast(Ints2d, values))
        return doc
