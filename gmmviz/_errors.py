"""The one exception a user can cause."""


class InputError(ValueError):
    """A problem with the user's data or settings.

    The message is a sentence that says what to change.
    """
