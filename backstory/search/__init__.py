"""Search: ranked sentences for a query, by BM25 over the store's full-text index."""

from backstory.search.fulltext import QueryTerms, query_terms, search_sentences

__all__ = ["QueryTerms", "query_terms", "search_sentences"]
