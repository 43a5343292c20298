"""The boards of 1 April 2026 imported as data (issue 8): new boards open, replaced ones close with
successions and shares, trusts and colleges move by memberships, and a re-run changes nothing.

The split shares are worked out by hand from data/lad_sub_icb_lsoa_counts.csv and
data/sub_icb_2025_to_icb_2026.csv:
- QJG Suffolk and North East Essex: sub-ICB 06T (Colchester 117 + Tendring 89 = 206 LSOAs) went to
  D7T5G Essex; 06L (28 + 85 + 47 + 73 + 7 = 240) and 07K (27 + 10 + 100 = 137) to T6Y0W Norfolk and
  Suffolk: 206 / 583 = 0.353345 and 377 / 583 = 0.646655.
- QM7 Hertfordshire and West Essex: 07H (78 + 58 + 49 = 185) to D7T5G; 06K (342) and 06N (360) to S1Y5D
  Central East: 185 / 887 = 0.208568 and 702 / 887 = 0.791432.
- QNQ Frimley (by the written assumption, data/board_split_assumptions.csv): Bracknell Forest 82, Slough 84,
  Windsor and Maidenhead 89 = 255 to S0E4D Thames Valley; Hart 45, Rushmoor 60, Guildford 13, Runnymede 6,
  Surrey Heath 47, Waverley 29 = 200 to S9B9J Surrey and Sussex: 255 / 455 = 0.560440, 200 / 455 = 0.439560.
"""

import csv
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from colleges.models import College, CollegeBoard
from colleges.services import college_boards_move, colleges_import
from core.errors import ApplicationError
from core.importing import DATA_DIR
from pathways.rules import board_shares
from tests.shared import shared_data
from tests.shared import write_csv as write
from trusts.models import BoardSuccession, IntegratedCareSystem, Trust, TrustBoard
from trusts.services import (
    board_change_read,
    boards_change_import,
    integrated_care_systems_import,
    regions_import,
    trust_boards_import,
    trusts_import,
)

pytestmark = pytest.mark.django_db

LAST_DAY = dt.date(2026, 3, 31)
FIRST_DAY = dt.date(2026, 4, 1)
TODAY = dt.date(2026, 12, 3)


def read_change(**paths):
    files = {
        "boards_path": DATA_DIR / "icbs_2026_ods.csv", "map_path": DATA_DIR / "icb_2024_to_2026_map.csv",
        "sub_icb_path": DATA_DIR / "sub_icb_2025_to_icb_2026.csv",
        "lsoa_path": DATA_DIR / "lad_sub_icb_lsoa_counts.csv",
        "assumptions_path": DATA_DIR / "board_split_assumptions.csv",
    }
    return board_change_read(**{**files, **paths})


def load_with_changes():
    first = [
        regions_import(path=DATA_DIR / "nhs_england_regions.csv"),
        integrated_care_systems_import(path=DATA_DIR / "integrated_care_boards.csv"),
        trusts_import(path=DATA_DIR / "nhs_trusts_ods.csv"),
        colleges_import(path=DATA_DIR / "fe_college_locations.csv"),
    ]
    return first + change_steps()


def change_steps():
    change = read_change()
    return [
        boards_change_import(change=change),
        trust_boards_import(path=DATA_DIR / "nhs_trusts_icb_2026.csv", today=TODAY),
        college_boards_move(change=change, path=DATA_DIR / "fe_college_locations.csv", today=TODAY),
    ]


@pytest.fixture(scope="module")
def boards_2026(django_db_setup, django_db_blocker):
    yield from shared_data(django_db_blocker, load_with_changes)


def board(code):
    return IntegratedCareSystem.objects.get(code=code)


def successions(code):
    return {s.successor.code: s.share for s in BoardSuccession.objects.filter(predecessor__code=code)
            .select_related("successor")}


def spans(member):
    return [(s.ics.code, s.valid_from, s.valid_to) for s in member.boards.select_related("ics").order_by("id")]


def test_the_change_opens_6_boards_and_closes_12_leaving_36_open_after_it(boards_2026):
    assert IntegratedCareSystem.objects.count() == 48
    assert IntegratedCareSystem.objects.open_on(FIRST_DAY).count() == 36
    assert IntegratedCareSystem.objects.open_on(LAST_DAY).count() == 42
    new = IntegratedCareSystem.objects.filter(opened_on=FIRST_DAY)
    assert set(new.values_list("code", flat=True)) == {"D7T5G", "S1Y5D", "T6Y0W", "Z9B2Z", "S9B9J", "S0E4D"}
    assert IntegratedCareSystem.objects.filter(closed_on=LAST_DAY).count() == 12
    assert board("Z9B2Z").name == "NHS West and North London Integrated Care Board"
    assert board("Z9B2Z").region.code == "Y56"


def test_a_board_whose_code_carries_on_stays_open_with_no_successor(boards_2026):
    lancashire = board("QE1")
    assert (lancashire.opened_on, lancashire.closed_on) == (None, None)
    assert successions("QE1") == {}


def test_a_merger_gives_each_predecessor_share_1_in_the_new_board(boards_2026):
    assert successions("QMJ") == {"Z9B2Z": Decimal(1)}
    assert successions("QRV") == {"Z9B2Z": Decimal(1)}
    assert board("QMJ").closed_on == LAST_DAY
    assert BoardSuccession.objects.get(predecessor__code="QMJ").basis.startswith("Merger")


def test_a_split_board_shares_its_figures_by_lsoa_counts_of_its_sub_icb_locations(boards_2026):
    assert successions("QJG") == {"D7T5G": Decimal("0.353345"), "T6Y0W": Decimal("0.646655")}
    assert successions("QM7") == {"D7T5G": Decimal("0.208568"), "S1Y5D": Decimal("0.791432")}
    basis = BoardSuccession.objects.get(predecessor__code="QJG", successor__code="D7T5G").basis
    assert "206 of 583" in basis and "06T" in basis


def test_frimley_is_split_by_the_written_district_assumption(boards_2026):
    assert successions("QNQ") == {"S0E4D": Decimal("0.560440"), "S9B9J": Decimal("0.439560")}
    basis = BoardSuccession.objects.get(predecessor__code="QNQ", successor__code="S0E4D").basis
    assert "255 of 455" in basis and "assumption" in basis and "Slough" in basis


def test_every_closed_boards_shares_sum_to_1(boards_2026):
    for closed in IntegratedCareSystem.objects.filter(closed_on__isnull=False):
        assert sum(successions(closed.code).values()) == 1, closed.code


def test_a_chain_of_successions_multiplies_the_shares(boards_2026):
    # given a later change that splits Essex (D7T5G) between two boards opening in 2027
    essex = board("D7T5G")
    essex.closed_on = dt.date(2027, 3, 31)
    essex.save()
    north, south = (IntegratedCareSystem.objects.create(code=code, name=f"NHS {code} Integrated Care Board",
                                                        region=essex.region, opened_on=dt.date(2027, 4, 1))
                    for code in ("ZA001", "ZA002"))
    BoardSuccession.objects.create(predecessor=essex, successor=north, share=Decimal("0.25"))
    BoardSuccession.objects.create(predecessor=essex, successor=south, share=Decimal("0.75"))
    # when the shares are read on a day of 2027 with the one rule (pathways.rules)
    boards = {b.pk: (b.opened_on, b.closed_on) for b in IntegratedCareSystem.objects.all()}
    links = {}
    for s in BoardSuccession.objects.all():
        links.setdefault(s.predecessor_id, []).append((s.successor_id, s.share))
    shares = board_shares(boards, links, dt.date(2027, 6, 1))
    # then Suffolk and North East Essex reaches the 2027 boards through Essex, its share multiplied
    qjg = shares[board("QJG").pk]
    assert qjg[north.pk] == Decimal("0.353345") * Decimal("0.25")
    assert qjg[south.pk] == Decimal("0.353345") * Decimal("0.75")
    assert qjg[board("T6Y0W").pk] == Decimal("0.646655")


def test_a_trust_whose_board_changed_closes_its_membership_and_opens_one_in_the_new_board(boards_2026):
    frimley_health = Trust.objects.get(ods_code="RDU")
    assert spans(frimley_health) == [("QNQ", None, LAST_DAY), ("S9B9J", FIRST_DAY, None)]
    assert frimley_health.ics.code == "S9B9J"  # its board today
    berkshire = Trust.objects.get(ods_code="RWX")
    assert berkshire.ics.code == "S0E4D"


def test_a_trust_whose_board_carries_on_keeps_its_one_membership(boards_2026):
    assert spans(Trust.objects.get(ods_code="RXN")) == [("QE1", None, None)]


def test_a_trust_closed_before_the_change_keeps_its_history(boards_2026):
    # Heatherwood and Wexham Park closed in 2014: the 2026 file puts it in Thames Valley, but it never was
    closed = Trust.objects.get(ods_code="RD7")
    assert spans(closed) == [("QNQ", None, None)]
    assert closed.ics.code == "QNQ"


def test_the_new_online_trust_is_imported_with_its_board_from_its_opening(boards_2026):
    online = Trust.objects.get(ods_code="K0N6A")
    assert (online.name, online.opened_on, online.ics.code) == ("The Online NHS Trust", dt.date(2026, 6, 1), "QKK")
    assert spans(online) == [("QKK", dt.date(2026, 6, 1), None)]


def test_a_college_of_a_merged_board_moves_to_its_successor(boards_2026):
    barnet = College.objects.get(ukprn="10000533")
    assert spans(barnet) == [("QMJ", None, LAST_DAY), ("Z9B2Z", FIRST_DAY, None)]
    assert barnet.ics.code == "Z9B2Z"


def test_a_college_of_a_split_board_moves_where_its_main_district_mostly_went(boards_2026):
    # Colchester Institute is taught mostly in Colchester (sub-ICB 06T, to Essex); Suffolk New College in
    # East Suffolk (06L, to Norfolk and Suffolk); Farnborough in Rushmoor (by assumption, to Surrey and Sussex)
    assert College.objects.get(ukprn="10001535").ics.code == "D7T5G"
    assert College.objects.get(ukprn="10006398").ics.code == "T6Y0W"
    assert College.objects.get(ukprn="10002412").ics.code == "S9B9J"
    assert College.objects.get(ukprn="10002107").ics.code == "S0E4D"  # Windsor and Maidenhead


def test_no_open_trust_or_college_is_left_in_a_closed_board(boards_2026):
    assert not Trust.objects.open().filter(ics__closed_on__isnull=False).exists()
    assert not College.objects.filter(ics__closed_on__isnull=False).exists()
    # every open-ended membership of a closed board is a trust's that closed before the change
    assert not TrustBoard.objects.filter(ics__closed_on__isnull=False, valid_to__isnull=True).exclude(
        trust__closed_on__lt=FIRST_DAY).exists()
    assert not CollegeBoard.objects.filter(ics__closed_on__isnull=False, valid_to__isnull=True).exists()


def test_reimporting_the_change_changes_nothing_and_writes_nothing(boards_2026):
    before = (list(TrustBoard.objects.values_list("trust_id", "ics_id", "valid_from", "valid_to").order_by("id")),
              list(BoardSuccession.objects.values_list("predecessor_id", "successor_id", "share").order_by("id")))
    with CaptureQueriesContext(connection) as queries:
        again = load_with_changes()
    assert [(r.added, r.changed) for r in again] == [(0, 0)] * len(again)
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", 'DELETE FROM "TRUSTS', 'DELETE FROM "COLL'))]
    assert writes == []
    after = (list(TrustBoard.objects.values_list("trust_id", "ics_id", "valid_from", "valid_to").order_by("id")),
             list(BoardSuccession.objects.values_list("predecessor_id", "successor_id", "share").order_by("id")))
    assert after == before


def test_a_split_district_with_no_2026_board_and_no_assumption_refuses_the_change(boards_2026, tmp_path):
    # given the assumptions file without Slough
    source = DATA_DIR / "board_split_assumptions.csv"
    with source.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = [row for row in reader if row["lad24_name"] != "Slough"]
        header = reader.fieldnames
    target = tmp_path / "assumptions.csv"
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    # then the change is refused, naming the sub-ICB location and district
    with pytest.raises(ApplicationError) as refused:
        read_change(assumptions_path=target)
    assert "D4U1Y (Slough) of QNQ is in no 2026 successor" in refused.value.message


def test_a_later_change_in_the_same_columns_imports_the_same_way(boards_2026, tmp_path):
    # given a 2027 file: Lancashire and South Cumbria and Greater Manchester merge into a new board
    boards = write(tmp_path / "icbs_2027.csv", ["icb_ods_code", "icb_name", "region_ods_code"], [
        ["ZB001", "NHS LANCASHIRE AND GREATER MANCHESTER INTEGRATED CARE BOARD", "Y62"],
        ["QYG", "NHS CHESHIRE AND MERSEYSIDE INTEGRATED CARE BOARD", "Y62"],
    ])
    mapping = write(tmp_path / "map.csv", ["old_icb_ods_code", "new_icb_ods_code"],
                    [["QE1", "ZB001"], ["QOP", "ZB001"], ["QYG", "QYG"]])
    # and the trusts as ODS publishes etr.csv: no header row, the board in the fourth field
    etr = tmp_path / "etr.csv"
    etr.write_text('"RXN","LANCASHIRE TEACHING HOSPITALS NHS FOUNDATION TRUST","Y62","ZB001","","","","PRESTON",'
                   '"","PR2 9HT","20050401",""\n', encoding="utf-8")
    changed_on = dt.date(2027, 4, 1)
    change = read_change(boards_path=boards, map_path=mapping, changed_on=changed_on)
    # when
    result = boards_change_import(change=change)
    trusts = trust_boards_import(path=etr, changed_on=changed_on, today=TODAY)
    # then
    assert (result.added, result.changed) == (3, 2)  # 1 board and 2 successions added; 2 boards closed
    assert board("ZB001").opened_on == changed_on and board("QE1").closed_on == dt.date(2027, 3, 31)
    assert successions("QOP") == {"ZB001": Decimal(1)}
    assert trusts.changed == 1
    preston = Trust.objects.get(ods_code="RXN")
    assert spans(preston) == [("QE1", None, dt.date(2027, 3, 31)), ("ZB001", changed_on, None)]
    assert preston.ics.code == "QE1"  # still its board today, 3 December 2026
