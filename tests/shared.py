"""Helpers for fixtures shared by several tests."""

from django.core.management import call_command


def shared_data(django_db_blocker, build):
    """For a module- or class-scoped fixture of read-only data: `yield from shared_data(django_db_blocker, build)`.

    `build()` runs once, committed outside the tests' transactions; each test still runs in its own
    transaction, rolled back, so what a test writes is gone before the next. The tables are emptied
    when the scope ends, leaving the database as the other tests expect it."""
    with django_db_blocker.unblock():
        value = build()
    try:
        yield value
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


def write_csv(path, header, rows):
    """Write a CSV file for an import test: a header line, then the rows. Answers the path."""
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path
