"""Serve: reader pages and the JSON API."""

from backstory.web.app import create_app

__all__ = ["create_app"]
