"""How a retrieved sentence's support for a question is judged: the words it holds, and
its embedding's nearness to the question when hybrid retrieval measured it."""

from __future__ import annotations

from typing import cast

import pytest

from backstory.models import ArticleMeta, Sentence, SentenceHit
from backstory.qa.answer import _ArticleReader, _judge
from backstory.qa.question import Question
from backstory.search.fulltext import QueryTerms, stem

QUESTION = Question(text="When will the island ferry resume?", answer_type="time", names=())
TERMS = QueryTerms(words=("island", "ferry", "resume"),
                   weights={stem(w): 1.0 for w in ("island", "ferry", "resume")})
NO_READER = cast(_ArticleReader, None)  # read only for questions that name someone


def hit(text: str, similarity: float | None) -> SentenceHit:
    sentence = Sentence(id="a:0", article_id="a", index=0, start=0, end=len(text), text=text)
    meta = ArticleMeta(id="a", title=None, outlet="Harbour Ledger", url=None,
                       published_at="2026-03-02")
    return SentenceHit(sentence=sentence, article=meta, score=1.0, similarity=similarity)


def test_an_answering_sentence_outranks_one_that_is_only_near_in_meaning() -> None:
    # The sentence that answers holds two of the three words; one about the same story,
    # near the question in meaning (as its whole story is), answers nothing.
    answering = _judge(hit("The ferry to the island runs again on Friday.", 0.55),
                       QUESTION, TERMS, NO_READER)
    same_story = _judge(hit("Storm damage closed the harbour at Kessling this week.", 0.7),
                        QUESTION, TERMS, NO_READER)
    assert answering.support > same_story.support
    assert same_story.support == pytest.approx(0.35)  # half its cosine


def test_a_paraphrase_sharing_no_word_still_has_support() -> None:
    paraphrase = _judge(hit("Boats will sail to the isle again from Friday.", 0.6),
                        QUESTION, TERMS, NO_READER)
    assert paraphrase.support == pytest.approx(0.3)
    assert _judge(hit("Boats will sail to the isle again from Friday.", None),
                  QUESTION, TERMS, NO_READER).support == 0.0
