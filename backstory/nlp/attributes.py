"""Coarse part-of-speech tags and the few lemmas the extractors read, set cheaply.

spaCy's attribute ruler (tag → POS by pattern matching) and rule lemmatizer together cost
more than the dependency parser itself on news text; the extractors only need the
universal POS of each token and the lemmas of cue verbs, "be" and a few nouns, so this
component derives them from the fine-grained tag with a table and a lookup.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from backstory.nlp.cues import CUE_LEMMA_OF, DOCUMENT_NOUNS, ROLE_NOUNS

__all__ = ["COMPONENT", "light_attributes"]

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
_NOUN_LEMMAS = {
    **{noun: noun for noun in DOCUMENT_NOUNS | ROLE_NOUNS},
    **{noun + "s": noun for noun in DOCUMENT_NOUNS | ROLE_NOUNS},
    "spokespeople": "spokesperson",
}


@Language.component(COMPONENT)
def light_attributes(doc: Doc) -> Doc:
    """Set `pos_` from the tag and `lemma_` for auxiliaries, cue verbs and speaker nouns
    (other tokens get their lowercase form as lemma)."""
    for token in doc:
        lower = token.lower_
        tag = token.tag_
        if lower in _AUXILIARIES and tag.startswith("VB"):
            token.pos_ = "AUX" if token.dep_ in ("aux", "auxpass", "cop") else "VERB"
            token.lemma_ = _AUXILIARIES[lower]
            continue
        token.pos_ = _UPOS.get(tag, "X")
        if tag.startswith("VB"):
            token.lemma_ = CUE_LEMMA_OF.get(lower, lower)
        elif tag.startswith("NN"):
            token.lemma_ = _NOUN_LEMMAS.get(lower, lower)
        else:
            token.lemma_ = lower
    return doc
