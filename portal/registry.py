"""Extension points: a place a lower layer names, where the apps above it add their part in
``AppConfig.ready()`` (the dashboard's figure sources, a complex page's blocks), so that no app
imports one above it."""

from collections.abc import Iterator
from typing import Generic, TypeVar

Contribution = TypeVar("Contribution")


class Registry(Generic[Contribution]):
    def __init__(self, name: str):
        self.name = name
        self._contributions: list[Contribution] = []

    def register(self, contribution: Contribution) -> Contribution:
        """Add a contribution (once: ``ready()`` may run again in tests); usable as a decorator."""
        if contribution not in self._contributions:
            self._contributions.append(contribution)
        return contribution

    def __iter__(self) -> Iterator[Contribution]:
        return iter(self._contributions)

    def __repr__(self) -> str:
        return f"<Registry of {self.name}: {len(self._contributions)}>"
