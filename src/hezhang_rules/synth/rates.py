"""The generator's rates, read from the documented data file ``synth/rates.yaml``.

How often each lapse or variant occurs and how many of each record a district keeps are data, not
code: they live in one file, commented there, one section per generator module. A module reads its
section through :class:`Rates` by kind (``share``, ``weights``, ``count``, ``number``), so each
value is checked to be of the kind its use needs where it is read.
"""

from __future__ import annotations

import functools
import importlib.resources
from dataclasses import dataclass
from typing import Any, TypeGuard

import yaml


@functools.cache
def table() -> dict[str, dict[str, Any]]:
    """``rates.yaml`` as loaded (once per process): section name → rate name → value."""
    text = (importlib.resources.files("hezhang_rules.synth") / "rates.yaml").read_text("utf-8")
    loaded: dict[str, dict[str, Any]] = yaml.safe_load(text)
    return loaded


def _is_share(v: object) -> TypeGuard[float]:
    return isinstance(v, float) and 0.0 <= v <= 1.0


@dataclass(frozen=True)
class Rates:
    """One section of ``rates.yaml`` (named after the generator module that reads it)."""

    section: str

    def _value(self, key: str) -> object:
        return table()[self.section][key]

    def _bad(self, key: str, kind: str) -> ValueError:
        value = self._value(key)
        return ValueError(f"synth/rates.yaml {self.section}.{key}: {kind} expected, not {value!r}")

    def share(self, key: str) -> float:
        """A probability in [0, 1]."""
        v = self._value(key)
        if not _is_share(v):
            raise self._bad(key, "a share in [0, 1]")
        return v

    def weights(self, key: str) -> tuple[float, ...]:
        """Relative weights of the outcomes the comment lists, each in [0, 1]."""
        v = self._value(key)
        if not isinstance(v, list) or not v or not all(_is_share(w) for w in v):
            raise self._bad(key, "a list of weights in [0, 1]")
        return tuple(v)

    def count(self, key: str) -> int:
        """A whole number ≥ 0."""
        v = self._value(key)
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise self._bad(key, "a whole number ≥ 0")
        return v

    def number(self, key: str) -> float:
        """A positive decimal (a ratio that is not a share)."""
        v = self._value(key)
        if not isinstance(v, float) or v <= 0:
            raise self._bad(key, "a positive decimal")
        return v
