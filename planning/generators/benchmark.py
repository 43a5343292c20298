"""An England-scale synthetic geography: 7 regions, 42 ICSs, about 230 colleges, standards,
occupations and entry routes. Generated for benchmarks; not real data."""

import random

from colleges.models import College
from hubs.models import Hub
from pathways.models import ApprenticeshipStandard, EntryRoute, Occupation
from trusts.models import IntegratedCareSystem, Region

REGION_CODES = ["Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63"]


def build(*, colleges: int = 230, seed: int = 7) -> dict:
    rng = random.Random(seed)
    regions = Region.objects.bulk_create(Region(code=code, name=f"Region {code}") for code in REGION_CODES)
    icss = IntegratedCareSystem.objects.bulk_create(
        IntegratedCareSystem(code=f"Q{chr(65 + i // 10)}{i % 10}", name=f"NHS Synthetic {i} ICB", region=regions[i % 7])
        for i in range(42)
    )
    hubs = Hub.objects.bulk_create(Hub(region=region, name=f"{region.name} hub") for region in regions)
    hub_by_region = {hub.region_id: hub for hub in hubs}
    college_rows = []
    for i in range(colleges):
        ics = icss[rng.randrange(len(icss))]
        college_rows.append(
            College(ukprn=f"1{i:07d}", name=f"Synthetic College {i}", ics=ics, hub=hub_by_region[ics.region_id])
        )
    college_objs = College.objects.bulk_create(college_rows)
    standards = ApprenticeshipStandard.objects.bulk_create(
        ApprenticeshipStandard(reference=f"ST{i:04d}", title=f"Standard {i}", level=2 + i % 5, duration_months=18)
        for i in range(1, 61)
    )
    occupations = Occupation.objects.bulk_create(
        Occupation(code=f"occupation-{i}", name=f"Occupation {i}", soc_code="6131", sector="both",
                   annual_leaver_rate="0.1", annual_leaver_rate_low="0.1", annual_leaver_rate_high="0.1")
        for i in range(40)
    )
    routes = []
    for i, occupation in enumerate(occupations):
        routes.append(EntryRoute(occupation=occupation, qualification_type="apprenticeship", level=standards[i].level,
                                 apprenticeship_standard=standards[i], conversion_rate="0.6", conversion_rate_low="0.6",
                                 conversion_rate_high="0.6"))
        routes.append(EntryRoute(occupation=occupation, qualification_type=["t_level", "diploma"][i % 2],
                                 level=2 + i % 3, conversion_rate="0.3", conversion_rate_low="0.3",
                                 conversion_rate_high="0.3"))
    EntryRoute.objects.bulk_create(routes)
    return {"regions": regions, "icss": icss, "colleges": college_objs, "standards": standards,
            "occupations": occupations}


QUALIFICATIONS = ["t_level", "diploma", "access_to_he", "apprenticeship", "short_course", "hnc_hnd"]


def offer_items(world: dict, *, count: int, seed: int = 11, places_shift: int = 0) -> list[dict]:
    """`count` offer items in the API's bulk shape, spread over every college and three years."""
    rng = random.Random(seed)
    items = []
    colleges = world["colleges"]
    for n in range(count):
        college = colleges[n % len(colleges)]
        year = 2025 + (n // len(colleges)) % 3
        kind = QUALIFICATIONS[n % len(QUALIFICATIONS)]
        item = {
            "college": college.ukprn,
            "course_code": f"C{n // len(colleges) // 3:05d}",
            "title": f"Synthetic course {n}",
            "qualification_type": kind,
            "academic_year": f"{year}/{(year + 1) % 100:02d}",
            "start_date": f"{year}-09-{1 + rng.randrange(28):02d}",
            "duration_months": rng.choice([12, 18, 24]),
            "planned_places": rng.randrange(5, 60) + places_shift,
            "expected_completion_rate": rng.choice([None, "0.7500", "0.8500"]),
            "delivery_ics": None if rng.random() < 0.8 else world["icss"][rng.randrange(42)].code,
        }
        if kind == "apprenticeship":
            item["apprenticeship_standard"] = world["standards"][rng.randrange(len(world["standards"]))].reference
        else:
            item["level"] = rng.choice([2, 3, 4])
        items.append(item)
    return items
