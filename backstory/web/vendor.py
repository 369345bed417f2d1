"""The Vega-Embed script the story page draws its charts with, bundled offline by
vl-convert (Vega, Vega-Lite and Vega-Embed, no network) and cached on disk."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

LOGGER = logging.getLogger(__name__)
_LOCK = threading.Lock()
# The bundle exposes these to the page's scripts.
_GLOBALS = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;"

__all__ = ["vega_embed_script"]


def vega_embed_script(cache_dir: Path | None = None) -> Path:
    """The bundle's path, built on first use (a few seconds) and kept for later runs."""
    import vl_convert

    folder = cache_dir or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
                               ) / "backstory"
    path = folder / f"vega-embed-{getattr(vl_convert, '__version__', 'x')}.js"
    with _LOCK:
        if not path.exists():
            LOGGER.info("bundling Vega-Embed into %s", path)
            folder.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".partial")
            partial.write_text(vl_convert.javascript_bundle(_GLOBALS), encoding="utf-8")
            partial.replace(path)
    return path
