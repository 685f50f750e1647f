"""What other apps add to a complex's page: each contribution is
``(*, complex_, member_counts, in_scope) -> dict`` of template context, registered in the
contributing app's ``AppConfig.ready()`` (the dashboard adds the radar, the catalogue and, for
those in scope, services over time, reports and scores)."""

from collections.abc import Callable

from portal.registry import Registry

complex_page_blocks: Registry[Callable[..., dict]] = Registry("complex page block")


def contributed_blocks(*, complex_, member_counts: dict[str, int], in_scope: bool) -> dict:
    blocks: dict = {}
    for contribution in complex_page_blocks:
        blocks.update(
            contribution(complex_=complex_, member_counts=member_counts, in_scope=in_scope)
        )
    return blocks
