"""Load the published reference data the portal ships (data/), or newer files in the same formats."""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from colleges.services import college_boards_move, colleges_import
from core.errors import ApplicationError
from core.importing import DATA_DIR
from core.models import DataLoad
from pathways.services import (
    LEAVERS_FILE,
    OCCUPATION_DESCRIPTIONS_FILE,
    STANDARDS_FILE,
    STANDARDS_HISTORY_FILE,
    apprenticeship_standards_history_import,
    apprenticeship_standards_import,
    occupation_descriptions_import,
    occupations_import,
    pathways_starter_set_import,
)
from trusts.services import (
    BOARDS_CHANGED_ON,
    board_change_read,
    boards_change_import,
    council_areas_import,
    integrated_care_systems_import,
    regions_import,
    trust_boards_import,
    trusts_import,
)

# option name, default file in data/, help text
FILES = [
    ("regions", "nhs_england_regions.csv", "NHS England regions (NHS Digital practice mapping columns)"),
    ("icbs", "integrated_care_boards.csv", "integrated care boards (ONS names and codes, with region)"),
    ("boards_2026", "icbs_2026_ods.csv", "the boards after a change (ODS codes, names, regions)"),
    ("board_map", "icb_2024_to_2026_map.csv", "which earlier board went into which later one"),
    ("sub_icb_map", "sub_icb_2025_to_icb_2026.csv", "each sub-ICB location's board before and after the change"),
    ("lsoa_counts", "lad_sub_icb_lsoa_counts.csv",
     "LSOA (2021) counts by district and sub-ICB location: the shares of split boards"),
    ("split_assumptions", "board_split_assumptions.csv",
     "our written assumptions for districts of a split board that no later sub-ICB location covers"),
    ("trusts", "nhs_trusts_ods.csv", "NHS trusts (ODS etr.csv fields with a header row)"),
    ("trust_boards", "nhs_trusts_icb_2026.csv", "NHS trusts with their board after the change (ODS etr.csv)"),
    ("colleges", "fe_college_locations.csv", "FE colleges placed in ICBs (DfE apprenticeship data)"),
    ("standards", STANDARDS_FILE, "the current apprenticeship standards (Skills England CSV export)"),
    ("standards_history", STANDARDS_HISTORY_FILE,
     "an older list of standards, kept as history: only those not yet stored are added (IfATE CSV export)"),
    ("occupations", "occupations.csv", "the occupations the portal keeps, with leaver rates"),
    ("leavers", LEAVERS_FILE, "NHS leaver rates by staff group and region (NHS Workforce Statistics)"),
    ("soc", "soc2020_unit_groups.csv", "ONS SOC 2020 unit groups, for occupation descriptions"),
    ("occupation_descriptions", OCCUPATION_DESCRIPTIONS_FILE,
     "the portal's plain words for each occupation: description, entry requirements, pay band, source"),
]


class Command(BaseCommand):
    help = (
        "Import the reference data (regions, ICSs, NHS trusts, colleges, apprenticeship standards, "
        "occupations) from data/ or from newer publisher files given per entity. Re-running updates in "
        "place; a malformed file is refused with its line and reason, and nothing is changed."
    )

    def add_arguments(self, parser):
        for option, filename, text in FILES:
            parser.add_argument(f"--{option.replace('_', '-')}", type=Path, default=DATA_DIR / filename, metavar="PATH",
                                help=f"{text}; default data/{filename}")
        parser.add_argument("--boards-changed-on", type=dt.date.fromisoformat, default=BOARDS_CHANGED_ON,
                            metavar="YYYY-MM-DD", help="the first day of the later boards; default 2026-04-01")

    def handle(self, *args, **options):
        paths = {option: options[option] for option, _, _ in FILES}
        changed_on = options["boards_changed_on"]
        change = {}

        def boards_change():
            change["read"] = board_change_read(
                boards_path=paths["boards_2026"], map_path=paths["board_map"], sub_icb_path=paths["sub_icb_map"],
                lsoa_path=paths["lsoa_counts"], assumptions_path=paths["split_assumptions"], changed_on=changed_on,
            )
            return boards_change_import(change=change["read"])

        steps = [
            lambda: regions_import(path=paths["regions"]),
            lambda: integrated_care_systems_import(path=paths["icbs"]),
            boards_change,  # after the earlier boards: new ones open, replaced ones close with successions
            # council areas (districts) in today's boards: the public pathway pages' "your council"
            lambda: council_areas_import(lsoa_path=paths["lsoa_counts"], sub_icb_path=paths["sub_icb_map"],
                                         assumptions_path=paths["split_assumptions"]),
            lambda: trusts_import(path=paths["trusts"]),
            lambda: trust_boards_import(path=paths["trust_boards"], changed_on=changed_on),
            lambda: colleges_import(path=paths["colleges"]),
            lambda: college_boards_move(change=change["read"], path=paths["colleges"]),
            lambda: apprenticeship_standards_import(path=paths["standards"]),  # the current list wins
            lambda: apprenticeship_standards_history_import(path=paths["standards_history"]),
            lambda: occupations_import(path=paths["occupations"], soc_path=paths["soc"], leavers_path=paths["leavers"]),
            lambda: occupation_descriptions_import(path=paths["occupation_descriptions"]),
            lambda: pathways_starter_set_import(),  # entry routes and progressions: data/PATHWAYS.md
        ]
        results = []
        try:
            with transaction.atomic():
                for step in steps:
                    result = step()
                    results.append(result)
                    self.stdout.write(str(result))
                    for line in result.skipped:
                        self.stdout.write(f"  skipped {line}")
                    if options["verbosity"] > 1:
                        for note in result.notes:
                            self.stdout.write(f"  note: {note}")
                    elif result.notes:
                        self.stdout.write(f"  {len(result.notes)} notes (see --verbosity 2)")
                DataLoad.objects.create(
                    kind=DataLoad.Kind.REFERENCE,
                    description=("Published reference data: "
                                 + ", ".join(str(path.name) for path in paths.values()))[:300],
                    summary={result.entity: result.as_dict() for result in results},
                )
        except ApplicationError as exc:
            raise CommandError(f"{exc.message}\nNo reference data was changed.") from exc
        self.stdout.write(self.style.SUCCESS("Reference data loaded."))
