"""Ask: answers to readers' questions with citations, or an honest abstention."""

from backstory.qa.answer import AnswerEngine
from backstory.qa.question import Question, read_question

__all__ = ["AnswerEngine", "Question", "read_question"]
