"""The one cache mechanism of the rule language: a small, bounded, thread-safe LRU.

Two caches use it, both bounded:

- ``policy_service.language.versions``: compiled rule set versions, keyed by the
  document's checksum (its fingerprint), so validating and compiling a version happens
  once per process however often it is published, probed or re-activated;
- ``policy_service.language.reference``: message templates parsed and typed against a
  vocabulary.

What is *served* is not a cache: the registry keeps one active version per rule set name
and the engine one loaded ruleset per key, replaced (and freed) on a hot swap. A day's run
memoizes verdicts for its own length only.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """At most ``maxsize`` values; the least recently used one is dropped first."""

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The value for ``key``, made (outside the lock) and kept if it is not there."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()  # may raise: nothing is kept
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        """Forget everything (tests)."""
        with self._lock:
            self._items.clear()
