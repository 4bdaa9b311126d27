"""Errors raised by domain rules, carrying a Vietnamese message for the user."""


class DomainError(ValueError):
    """A rule of the domain was broken; ``message`` is shown to the user as is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
