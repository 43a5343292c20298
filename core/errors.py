class ApplicationError(Exception):
    """The one error services raise for bad input; the API answers it with 400.

    `errors` maps a field name (or an item index, for bulk operations) to messages, in the
    shape DRF uses for its own validation errors.
    """

    def __init__(self, message: str, errors: dict | list | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors if errors is not None else {"non_field_errors": [message]}
