"""Search: ranked sentences for a query, by BM25 over the store's full-text index and by
sentence embeddings in a vector index, fused by reciprocal rank."""

from backstory.search.embeddings import SentenceEncoder
from backstory.search.fulltext import QueryTerms, query_terms, search_sentences
from backstory.search.hybrid import HybridSearcher, fuse
from backstory.search.vectors import (
    SentenceVectorIndex,
    StoreVectorIndex,
    VectorIndex,
    index_path_for,
    vector_index_for,
)

__all__ = ["HybridSearcher", "QueryTerms", "SentenceEncoder", "SentenceVectorIndex",
           "StoreVectorIndex", "VectorIndex", "fuse", "index_path_for", "query_terms",
           "search_sentences", "vector_index_for"]
