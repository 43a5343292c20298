"""A closed board's successions in the admin: listed on its page, and refused unless the shares add up to 1."""

import datetime as dt

import pytest
from django.forms.models import inlineformset_factory
from django.test import Client

from tests.factories import BoardSuccessionFactory, IntegratedCareSystemFactory, UserFactory
from trusts.admin import SuccessionFormSet
from trusts.models import BoardSuccession, IntegratedCareSystem

pytestmark = pytest.mark.django_db


def test_a_closed_boards_admin_page_lists_its_successions():
    succession = BoardSuccessionFactory(predecessor=IntegratedCareSystemFactory(code="QNQ",
                                                                                closed_on=dt.date(2026, 3, 31)))
    client = Client()
    client.force_login(UserFactory(staff=True, username="root", is_superuser=True))
    response = client.get(f"/admin/trusts/integratedcaresystem/{succession.predecessor.pk}/change/")
    assert response.status_code == 200
    assert "successions_out-0-share" in response.content.decode()


@pytest.mark.parametrize(("shares", "valid"), [(("0.6", "0.4"), True), (("0.6", "0.3"), False)])
def test_successions_whose_shares_do_not_add_up_to_1_are_refused(shares, valid):
    old = IntegratedCareSystemFactory(code="QNQ", closed_on=dt.date(2026, 3, 31))
    new = IntegratedCareSystemFactory.create_batch(2)
    formset_class = inlineformset_factory(IntegratedCareSystem, BoardSuccession, fk_name="predecessor",
                                          formset=SuccessionFormSet, fields=["successor", "share"], extra=2)
    data = {"successions_out-TOTAL_FORMS": "2", "successions_out-INITIAL_FORMS": "0"}
    for index, (board, share) in enumerate(zip(new, shares, strict=True)):
        data |= {f"successions_out-{index}-successor": str(board.pk), f"successions_out-{index}-share": share}
    formset = formset_class(data, instance=old)
    assert formset.is_valid() is valid
    if not valid:
        assert "must add up to 1" in str(formset.non_form_errors())
