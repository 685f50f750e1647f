"""Telling a person something from the shared library, through whichever inbox the project
registers (the accounts app does, in its AppConfig.ready()): the library imports no app."""

from collections.abc import Callable, Iterable

_notifiers: list[Callable[..., object]] = []


def notifier_register(notify: Callable[..., object]) -> None:
    """``notify(*, recipients, subject, body, url)`` delivers from now on (once per process)."""
    if notify not in _notifiers:
        _notifiers.append(notify)


def notify(*, recipients: Iterable, subject: str, body: str = "", url: str = "") -> None:
    recipients = list(recipients)
    for deliver in _notifiers:
        deliver(recipients=recipients, subject=subject, body=body, url=url)
