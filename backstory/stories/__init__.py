"""Organize: articles grouped into stories."""

from backstory.stories.cluster import LEAD_SENTENCES, StoryClusterer

__all__ = ["LEAD_SENTENCES", "StoryClusterer"]
