"""The Django admin takes only dates that can be real, like the desk's forms."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("root", password="x"))
    return client


@pytest.mark.parametrize("born", ["0001-01-01", "1899-12-31", "9999-12-31"])
def test_it_refuses_a_date_of_birth_that_cannot_be_real(admin_client, load_library,
                                                        make_member, born):  # fmt: skip
    tolmin = load_library("tolmin")
    ana = make_member(tolmin, "TO1")
    url = f"/admin/members/member/{ana.pk}/change/"
    form = {"library": tolmin.pk, "card_number": "TO1", "first_name": "Ana",
            "last_name": "Novak", "born": born, "category": "adult",
            "expires": "2027-01-01", "language": "sl"}  # fmt: skip

    refused = admin_client.post(url, form)
    taken = admin_client.post(url, {**form, "born": "1985-03-02"})

    assert refused.status_code == 200  # the form again, with the error
    assert "born" in refused.context["adminform"].form.errors
    assert taken.status_code == 302
    ana.refresh_from_db()
    assert (ana.born, ana.expires) == (date(1985, 3, 2), date(2027, 1, 1))


def test_it_refuses_a_closure_in_the_year_9999(db):
    from bukve.libraries.admin import ClosureForm

    far = ClosureForm({"start": "9999-12-30", "end": "9999-12-31", "reason": "never"})
    near = ClosureForm({"start": "2026-12-24", "end": "2026-12-26", "reason": "Christmas"})

    assert not far.is_valid() and near.is_valid()
