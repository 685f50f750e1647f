"""What other apps add to a complex's page, registered in the contributing app's
``AppConfig.ready()``:

- ``complex_page_blocks``: ``(*, complex_, member_counts) -> dict`` of template context for
  the part of the page every reader of one audience shares, kept in the page cache (the
  dashboard adds the ten elements' radar and the catalogue);
- ``complex_page_figures``: ``(*, complex_) -> dict`` of context for ``complexes/_figures.html``,
  the live figures shown to those in the complex's scope, read for each request (the dashboard
  adds services over time, reports, scores and surveyed impact).
"""

from collections.abc import Callable

from portal.registry import Registry

complex_page_blocks: Registry[Callable[..., dict]] = Registry("complex page block")
complex_page_figures: Registry[Callable[..., dict]] = Registry("complex page figures")


def contributed_blocks(*, complex_, member_counts: dict[str, int]) -> dict:
    blocks: dict = {}
    for contribution in complex_page_blocks:
        blocks.update(contribution(complex_=complex_, member_counts=member_counts))
    return blocks


def contributed_figures(*, complex_) -> dict:
    figures: dict = {}
    for contribution in complex_page_figures:
        figures.update(contribution(complex_=complex_))
    return figures
