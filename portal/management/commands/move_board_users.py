"""Move the ICS users of closed boards to the boards that carry them on (issue 8)."""

from django.core.management.base import BaseCommand

from trusts.services import board_users_move


class Command(BaseCommand):
    help = (
        "Move each ICS user of a board closed today to its successor: the successor with the largest share "
        "of the closed board's figures (followed on if that board has closed too). A user whose board names "
        "no successor is listed and left. With --dry-run, say who would move and change nothing. Until they "
        "are moved, such users see a notice on their home page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list the moves, change nothing")

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        moves = board_users_move(dry_run=dry_run)
        verb = "would move" if dry_run else "moved"
        for move in moves:
            if move.new is None:
                self.stdout.write(f"{move.username}: {move.old.code} {move.old.short_name} closed and names no "
                                  "successor: left as it is")
            else:
                self.stdout.write(f"{move.username}: {verb} from {move.old.code} {move.old.short_name} "
                                  f"to {move.new.code} {move.new.short_name}")
        moved = sum(move.new is not None for move in moves)
        self.stdout.write(self.style.SUCCESS(
            f"{moved} user{'s' if moved != 1 else ''} {verb}{' (dry run: nothing changed)' if dry_run else ''}."))
