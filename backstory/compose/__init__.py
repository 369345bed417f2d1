"""Compose: explainers built from a story's own sentences, each statement cited."""

from backstory.compose.explainer import build_explainer

__all__ = ["build_explainer"]
