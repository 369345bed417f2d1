"""Organize: articles grouped into stories."""

from backstory.stories.cluster import StoryClusterer

__all__ = ["StoryClusterer"]
