"""Lexicons for attribution: the verbs that introduce who says, thinks or found what.

Kept as data so that rules in `quotes.py` stay short. Lemmas are matched on the parsed
sentence; surface forms (`CUE_FORMS`) are matched on unparsed text to decide what to parse.
"""

from __future__ import annotations

import re

__all__ = [
    "ADDRESSEE_LEMMAS",
    "APOSTROPHE_MARK",
    "AS_LEMMAS",
    "BESIDE_ONLY_FORMS",
    "BUSINESS_NOUNS",
    "CIRCUMSTANCE_WORDS",
    "COLLECTIVE_DETERMINERS",
    "CUE_FORMS",
    "CUE_LEMMAS",
    "CUE_LEMMA_OF",
    "DEMAND_LEMMAS",
    "DOCUMENT_NOUNS",
    "EVIDENCE_NOUNS",
    "FINDING_LEMMAS",
    "GLUE_WORDS",
    "INDEFINITE_DETERMINERS",
    "NAMING_LEMMAS",
    "PARTICLE_CUES",
    "PERSONAL_PRONOUNS",
    "PLURAL_PRONOUNS",
    "POLL_NOUNS",
    "QUESTION_LEMMAS",
    "QUOTE_MARKS",
    "REFUSAL_FORMS",
    "RELATIVE_PRONOUNS",
    "RELAY_LEMMAS",
    "ROLE_NOUNS",
    "SPEECH_LEMMAS",
    "STANCE_LEMMAS",
    "UNNAMED_SPEAKERS",
    "XCOMP_LEMMAS",
    "is_quote_mark",
]


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Verbs of saying and writing: their clausal complement is what was said.
_SPEECH = """
say tell add state note report announce suggest argue explain claim insist warn write tweet
declare acknowledge admit reply respond answer stress reiterate confirm deny predict promise
pledge vow recall complain contend assert conclude observe remark comment testify indicate
reveal accuse charge propose demand emphasize emphasise concede disclose estimate mention joke
quip boast brag caution threaten maintain allege signal hint instruct recommend advise wonder
inform assure remind notify affirm counter retort urge ask tell post email write declare
contend speculate lament acknowledge scoff muse repeat agree continue
"""
# Verbs of belief, intention and finding, which PolNeAR annotates as attributions too.
_COGNITION = """
think believe hope want plan expect fear know feel worry intend seek wish doubt suspect
consider assume understand decide prefer guess find show reckon learn point
"""
SPEECH_LEMMAS: frozenset[str] = _set(_SPEECH)
CUE_LEMMAS: frozenset[str] = _set(_SPEECH + _COGNITION)

# Cues only with their particle: "pointed out that the levy was late".
PARTICLE_CUES: dict[str, str] = {"point": "out"}

# Cues whose complement is an infinitive ("urged the US to stop"), not a finite clause.
XCOMP_LEMMAS: frozenset[str] = _set("""
urge ask call want plan hope promise pledge vow seek intend expect threaten decide agree
propose demand tell order warn advise encourage instruct wish prefer remind
""")

# Cues that ask: "asked the mayor if the road would reopen" (the parser hangs the
# question on the verb as an adverbial clause).
QUESTION_LEMMAS: frozenset[str] = _set("ask wonder")

# Cues whose object is the person spoken to ("Wang told Mayorkas …").
ADDRESSEE_LEMMAS: frozenset[str] = _set("tell inform assure remind notify")

# Cues that relay someone else's statement: "Xinhua reported (that) Wang said …".
RELAY_LEMMAS: frozenset[str] = _set("report")

# "described the talks as 'candid'": the `as` phrase is the content.
AS_LEMMAS: frozenset[str] = _set("describe characterize characterise portray")

# "called the plan 'reckless'": the object and what it is called are the content.
NAMING_LEMMAS: frozenset[str] = _set("call dub label brand")

# Verbs of stance: "criticized the ruling", "accused the mayor of lying". The object (with
# what it is accused or praised of or for) is the content.
STANCE_LEMMAS: frozenset[str] = _set("""
criticize criticise endorse praise accuse support defend oppose condemn applaud slam blast
reject dismiss
""")

# Verbs whose object is what was found when a poll, study or record is their subject:
# "a poll showed Lee with a narrow lead", "the audit found no record of the payments".
FINDING_LEMMAS: frozenset[str] = _set("show find")
EVIDENCE_NOUNS: frozenset[str] = _set("""
poll survey study data report analysis research record document filing email figure number
result paper review audit investigation census estimate statistic count tally probe inquiry
""")

# "called for a recount": what is called for is the content.
DEMAND_LEMMAS: frozenset[str] = _set("call")

# Heads of nominal speakers that stand for an organisation ("a ministry spokesman").
ROLE_NOUNS: frozenset[str] = _set("""
spokesman spokeswoman spokesperson official officials source sources aide aides
representative representatives spokespeople staffer staffers
""")

# "according to a statement from the embassy": the document stands for its author.
DOCUMENT_NOUNS: frozenset[str] = _set("""
statement report readout release announcement letter filing memo document data study survey
update bulletin communique notice
""")

# Pronouns and determiners that decide how a speaker phrase is named.
PERSONAL_PRONOUNS: frozenset[str] = _set("he him she her")
PLURAL_PRONOUNS: frozenset[str] = _set("they them")
RELATIVE_PRONOUNS: frozenset[str] = _set("who which that whom")
# Speakers Backstory cannot name: first and second person (mostly inside quotes) and "it".
UNNAMED_SPEAKERS: frozenset[str] = _set("i we you me us it this there")
# Nouns by which an article refers back to an organisation it named: "the company said".
ORGANISATION_NOUNS: frozenset[str] = _set("""
company firm group agency ministry department bank airline carrier retailer startup
manufacturer automaker carmaker insurer lender regulator operator broadcaster newspaper
university hospital council committee commission board union club team party embassy
corporation conglomerate organisation organization institute foundation charity
""")
# Of those, the ones that stand for whatever business was just named ("Lumina … the
# company said"); the others are words of the organisation's own name ("the ministry" is
# the Interior Ministry, not the last company named).
BUSINESS_NOUNS: frozenset[str] = _set("""
company firm group airline carrier retailer startup manufacturer automaker carmaker insurer
lender operator broadcaster newspaper corporation conglomerate
""")
COLLECTIVE_DETERMINERS: frozenset[str] = _set("both all")
INDEFINITE_DETERMINERS: frozenset[str] = _set("a an some one another many several any")
# Words that may join quotations without making them reported speech.
GLUE_WORDS: frozenset[str] = _set("and or but as well")
# The writer's framing after a comma ("…, following renewed reports") is not the content.
CIRCUMSTANCE_WORDS: frozenset[str] = _set("following amid despite ahead")

QUOTE_MARKS = "\"“”„«»"
# Two apostrophes stand for a double quotation mark in typewritten copy and in some news
# archives' text: ''We will rebuild,'' she said.
APOSTROPHE_MARK = "''"


def is_quote_mark(text: str) -> bool:
    """Whether a token's text is a quotation mark, '' included."""
    return text == APOSTROPHE_MARK or (len(text) == 1 and text in QUOTE_MARKS)


# Surface forms that regular inflection gets wrong.
_IRREGULAR: dict[str, tuple[str, ...]] = {
    "say": ("said",), "tell": ("told",), "write": ("wrote", "written"),
    "think": ("thought",), "know": ("knew", "known"), "feel": ("felt",),
    "find": ("found",), "show": ("shown",), "understand": ("understood",),
    "seek": ("sought",), "admit": ("admitted", "admitting"),
    "prefer": ("preferred", "preferring"), "quip": ("quipped", "quipping"),
    "learn": ("learnt",), "email": ("emailed", "e-mailed"),
}
# A word of one syllable ending in one vowel and one consonant doubles it: "planned",
# "slamming", "dubbed".
_DOUBLING = re.compile(r"^[^aeiou]*[aeiou][^aeiouwxy]$")


def _forms(lemma: str) -> set[str]:
    forms = {lemma, *_IRREGULAR.get(lemma, ())}
    if lemma.endswith("ee"):
        forms |= {lemma + "s", lemma + "d", lemma + "ing"}
    elif lemma.endswith("e"):
        forms |= {lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    elif lemma.endswith("y") and lemma[-2] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    elif lemma.endswith(("s", "sh", "ch", "x")):
        forms |= {lemma + "es", lemma + "ed", lemma + "ing"}
    elif _DOUBLING.match(lemma):
        forms |= {lemma + "s", lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    else:
        forms |= {lemma + "s", lemma + "ed", lemma + "ing"}
    return forms


_ALL = CUE_LEMMAS | XCOMP_LEMMAS | AS_LEMMAS | NAMING_LEMMAS | STANCE_LEMMAS
# "In a survey of 600 households, …": a poll is the source of the clause its phrase is on.
POLL_NOUNS: frozenset[str] = _set("poll polls survey surveys")
CUE_FORMS: frozenset[str] = frozenset(
    {form for lemma in _ALL for form in _forms(lemma)} | {"according"} | POLL_NOUNS)

# The lemma of each cue form ("urged" → "urge"): the parse pipeline skips spaCy's rule
# lemmatizer (it costs as much as the parser) and reads cue lemmas from here.
CUE_LEMMA_OF: dict[str, str] = {
    form: lemma for lemma in sorted(_ALL) for form in _forms(lemma)}

# Cues that attribute only a quotation beside them: "“…,” he continued".
BESIDE_ONLY_FORMS: frozenset[str] = frozenset(_forms("continue"))

# Verbs whose infinitive says nothing was said: "declined to say", "refused to comment".
REFUSAL_FORMS: frozenset[str] = frozenset(_forms("decline") | _forms("refuse"))
