"""A griffe extension for the docs site: Sphinx cross-reference roles in docstrings as links.

The package's docstrings name other code the way Sphinx does (``:class:`FactSet```,
``:meth:`build```, ``:func:`~hezhang_rules.findings.header_line```), which mkdocstrings would
print as written. Each such role becomes an optional cross-reference: the name is resolved in
the scope of the object whose docstring it is (its members, its module's imports), then linked
when the site documents that object, and shown as code otherwise, without a warning: the API
reference documents the public API only, and docstrings also name internal code.
"""

from __future__ import annotations

import html
import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:class|func|meth|mod|attr|data|exc|obj):`(~?)([A-Za-z_][\w.]*)(\(\))?`")


def resolved(obj: griffe.Object, name: str) -> str:
    """``name`` as a full path, resolved from ``obj``'s scope by its first part; unchanged when
    that part is not a name there."""
    head, _, rest = name.partition(".")
    try:
        path = obj.resolve(head)
    except griffe.NameResolutionError:
        return name
    return f"{path}.{rest}" if rest else path


def with_links(obj: griffe.Object, text: str) -> str:
    """``text`` with every role replaced by an optional autorefs reference."""

    def link(match: re.Match[str]) -> str:
        short, name, call = match.groups()
        shown = (name.rsplit(".", 1)[-1] if short else name) + (call or "")
        identifier = html.escape(resolved(obj, name), quote=True)
        code = f"<code>{html.escape(shown)}</code>"
        return f'<autoref identifier="{identifier}" optional>{code}</autoref>'

    return ROLE.sub(link, text)


class SphinxRoles(griffe.Extension):
    """Rewrites each loaded object's docstring once the whole package is known."""

    def on_object(self, *, obj: griffe.Object, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        if obj.docstring is not None and ":" in obj.docstring.value:
            obj.docstring.value = with_links(obj, obj.docstring.value)
