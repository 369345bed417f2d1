"""Analyze: sentences and named entities of each article, as offsets into its text."""

from backstory.nlp.entities import clean_name
from backstory.nlp.pipeline import Analyzer

__all__ = ["Analyzer", "clean_name"]
