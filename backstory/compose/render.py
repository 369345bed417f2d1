"""Compositions as Markdown or standalone HTML, each statement followed by numbered
references to the sentences it cites, listed under the document."""

from __future__ import annotations

from markupsafe import Markup, escape

from backstory.models import Citation, Composition

__all__ = ["to_html", "to_markdown"]


def to_markdown(document: Composition) -> str:
    notes = _Notes()
    lines = [f"# {document.title}", ""]
    for section in document.sections:
        lines += [f"## {section.heading}", ""]
        for statement in section.statements:
            marks = "".join(f"[^{notes.number(c)}]" for c in statement.citations)
            lines.append(f"- {statement.text}{marks}")
        lines.append("")
    for number, citation in notes.listed():
        lines.append(f"[^{number}]: {_source_line(citation)} “{citation.sentence}”")
    return "\n".join(lines).rstrip() + "\n"


def to_html(document: Composition) -> str:
    notes = _Notes()
    body: list[str] = [f"<h1>{escape(document.title)}</h1>"]
    for section in document.sections:
        body.append(f"<section><h2>{escape(section.heading)}</h2><ul>")
        for statement in section.statements:
            marks = "".join(
                f'<sup><a href="#ref-{n}">[{n}]</a></sup>'
                for n in (notes.number(c) for c in statement.citations))
            body.append(f"<li>{escape(statement.text)}{marks}</li>")
        body.append("</ul></section>")
    body.append("<section><h2>Sources</h2><ol>")
    for number, citation in notes.listed():
        link = (f' <a href="{escape(citation.url)}">{escape(citation.url)}</a>'
                if citation.url else "")
        body.append(f'<li id="ref-{number}">{escape(_source_line(citation))} '
                    f"<q>{escape(citation.sentence)}</q>{Markup(link)}</li>")
    body.append("</ol></section>")
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(document.title)}</title></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


class _Notes:
    """Numbers citations in order of first use; a sentence cited twice keeps its number."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}
        self._citations: list[Citation] = []

    def number(self, citation: Citation) -> int:
        if citation.sentence_id not in self._numbers:
            self._citations.append(citation)
            self._numbers[citation.sentence_id] = len(self._citations)
        return self._numbers[citation.sentence_id]

    def listed(self) -> list[tuple[int, Citation]]:
        return list(enumerate(self._citations, start=1))


def _source_line(citation: Citation) -> str:
    return ", ".join(p for p in (citation.outlet or "unnamed outlet", citation.published_at) if p)
