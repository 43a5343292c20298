"""Audited writes of one record: its history entry says who and through what."""

from django.db import IntegrityError, transaction

from .errors import ApplicationError


def audited_save(obj, *, user, reason: str) -> None:
    """Save one record with its history entry saying who and through what (django-simple-history).

    A unique-key race with a concurrent request is reported as bad input, not a server error.
    """
    obj._history_user = user
    obj._change_reason = reason
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        message = "Another change to the same record arrived at the same time; please try again."
        raise ApplicationError(message, {"non_field_errors": [message]}) from exc


def audited_delete(obj, *, user, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason
    obj.delete()
