"""`python -m bench [NAME [options]]`: one benchmark by name, or all of them in turn.

Each benchmark module has `run(argv: list[str]) -> int` (0 when its targets are met).
"""

import importlib
import os
import sys

BENCHMARKS = ("course_offers", "gap_report", "dashboards", "lists", "floor")
BY_NAME_ONLY = ("gap_rows", "placements")  # a comparison that needs arguments: not part of "all of them"


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        print("benchmarks:", ", ".join(BENCHMARKS + BY_NAME_ONLY))
        return 0
    if argv and not argv[0].startswith("-"):
        name, options = argv[0], argv[1:]
        if name not in BENCHMARKS + BY_NAME_ONLY:
            print(f"No benchmark {name!r}; choose from {', '.join(BENCHMARKS + BY_NAME_ONLY)}.", file=sys.stderr)
            return 2
        return importlib.import_module(f"bench.{name}").run(options)
    status = 0
    for name in BENCHMARKS:
        print(f"=== {name} ===", flush=True)
        status |= importlib.import_module(f"bench.{name}").run([]) or 0
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
