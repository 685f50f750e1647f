"""Telling a person something from the shared library, through whichever inbox the project
registers (the accounts app does, in its AppConfig.ready()): the library imports no app."""

from collections.abc import Callable, Iterable

from django.utils.functional import Promise, lazy

_notifiers: list[Callable[..., object]] = []


def notifier_register(notify: Callable[..., object]) -> None:
    """``notify(*, recipients, subject, body, url)`` delivers from now on (once per process)."""
    if notify not in _notifiers:
        _notifiers.append(notify)


def notify(
    *, recipients: Iterable, subject: str | Promise, body: str | Promise = "", url: str = ""
) -> None:
    """Tell ``recipients`` something. ``subject`` and ``body`` are lazy translatable strings
    (``gettext_lazy``, ``format_lazy``), written out in each recipient's own language; never
    translate them beforehand. ``url`` is a path of the portal (``reverse(...)``): the email's
    link gets ``PORTAL_BASE_URL`` in front of it."""
    recipients = list(recipients)
    for deliver in _notifiers:
        deliver(recipients=recipients, subject=subject, body=body, url=url)


def lazy_format(message: str | Promise, **values) -> Promise:
    """``message % values``, done when the text is written out, in the language of that moment
    (``message``: a ``gettext_lazy`` string with ``%(name)s`` placeholders; ``values`` may be
    lazy too, a choice's label). ``format_lazy`` does the same for ``{name}`` placeholders."""
    return _interpolated(message, values)


def _interpolate(message, values: dict) -> str:
    return str(message) % {name: _written(value) for name, value in values.items()}


def _written(value):
    return str(value) if isinstance(value, Promise) else value


_interpolated = lazy(_interpolate, str)
