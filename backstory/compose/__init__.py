"""Compose: explainers, FAQs, analyses and charts of a story, every statement cited and
checked against the sentences it cites."""

from backstory.compose.analysis import build_analysis
from backstory.compose.charts import CHART_KINDS, build_chart, export_chart
from backstory.compose.explainer import build_explainer
from backstory.compose.facts import StoryFacts
from backstory.compose.faq import build_faq
from backstory.compose.grounding import Grounder, GroundingError, evidence_of
from backstory.compose.rephrase import Rephraser

__all__ = [
    "CHART_KINDS",
    "Grounder",
    "GroundingError",
    "Rephraser",
    "StoryFacts",
    "build_analysis",
    "build_chart",
    "build_explainer",
    "build_faq",
    "evidence_of",
    "export_chart",
]
