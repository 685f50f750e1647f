"""The one domain exception of the portal.

Services raise it when a rule refuses an action; the API's exception handler turns it into 400
or 409 with its (translated) message, and pages show it as a form or flash message.
"""


class DomainError(Exception):
    """A business rule refused the action. ``field`` names the input at fault, if any."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidTransition(DomainError):
    """A state machine refused a move from the object's current state (HTTP 409)."""


class StaleVersion(DomainError):
    """An edit was based on an outdated version of a document (HTTP 409)."""


class NotPermitted(DomainError):
    """The user's role does not allow this action on an object they can see (HTTP 403)."""
