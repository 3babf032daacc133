"""Which jurisdictions lie in a scope: one reading for ``within`` tests and overlays' scopes.

A jurisdiction is in the scope ``S`` when ``S`` is the jurisdiction itself or one of those above
it through ``parent`` links. Every engine asks this through these two functions: the batch and
monitor engines through ``World.ancestors``/``World.within``, the columnar one through
:func:`scope_members` over the jurisdictions' frame.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable


def ancestors_of(jurisdiction: str, parent_of: Callable[[str], str | None]) -> frozenset[str]:
    """``jurisdiction`` and every jurisdiction above it; a cycle of ``parent`` links ends the
    walk where it repeats (the fact loader reports the cycle, the walk must not loop)."""
    chain: list[str] = []
    cur: str | None = jurisdiction
    while cur is not None and cur not in chain:
        chain.append(cur)
        cur = parent_of(cur)
    return frozenset(chain)


def scope_members(
    jurisdictions: Iterable[str], parent_of: Callable[[str], str | None], scope: str
) -> frozenset[str]:
    """``scope`` and those of ``jurisdictions`` that lie under it (:func:`ancestors_of`)."""
    return frozenset(j for j in jurisdictions if scope in ancestors_of(j, parent_of)) | {scope}
