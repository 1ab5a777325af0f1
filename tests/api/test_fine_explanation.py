"""GET /api/charges/ID/explanation: each day with a stable code and the reason in the language
the client asks for (Accept-Language; Slovenian by default)."""

from __future__ import annotations

import pytest

from tests.circulation.fine_stories import TOLMIN_DAYS, tolmin_fine


@pytest.mark.parametrize("language", ["sl", "en"])
def test_it_gives_each_day_a_code_and_a_reason_in_the_clients_language(
    language, api, tolmin, make_member, make_item
):
    # given: a Tolmin fine over a holiday, a closure, Saturdays and Sundays
    fine = tolmin_fine(lambda code: tolmin, make_member, make_item)

    # when
    response = api.get(f"/api/charges/{fine.pk}/explanation", headers={"Accept-Language": language})

    # then
    assert response.status_code == 200
    days = response.json()["days"]
    column = 2 if language == "sl" else 3
    assert [(d["date"], d["code"], d["why"]) for d in days] == [
        (row[0].isoformat(), row[1], row[column]) for row in TOLMIN_DAYS
    ]
    saturday = next(d for d in days if d["date"] == "2026-05-09")
    assert (saturday["charged"], saturday["rate"]) == (False, "0.00")


def test_it_answers_in_slovenian_by_default(api, tolmin, make_member, make_item):
    fine = tolmin_fine(lambda code: tolmin, make_member, make_item)

    days = api.get(f"/api/charges/{fine.pk}/explanation").json()["days"]

    assert days[0]["why"] == "praznik: praznik dela"


def test_it_lists_the_codes_in_the_openapi_schema(api):
    schema = api.get("/api/openapi.json").json()
    code = schema["components"]["schemas"]["FineDay"]["properties"]["code"]
    assert "not_working_day" in code["enum"]
    assert {"tolerance", "sunday", "holiday", "closure", "seasonal_schedule"} <= set(code["enum"])
