"""Generated requests against every operation of the OpenAPI document: never a server error,
and every answer (status, content type, body) as the document describes it.

The schema's examples name the card T0001 and the copy T1001, which exist here, so the
examples reach the services, not only the "not found" answers.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings

KEY = "schemathesis-test-key-0123456789abcdefghijklmno"
# The key goes with the schema's own security scheme, so schemathesis leaves it out where a
# case checks that a request without it is refused.
schema = schemathesis.openapi.from_wsgi(
    "/api/openapi.json",
    WSGIHandler(),
    config=schemathesis.Config.from_dict({"auth": {"openapi": {"TokenAuth": {"bearer": KEY}}}}),
)


@pytest.fixture
def token(mojca, monkeypatch):
    """Mojca's token, made by the service with the key the schema's auth presents."""
    from bukve.api.services import api_token_create

    monkeypatch.setattr(secrets, "token_urlsafe", lambda nbytes: KEY)
    api_token_create(staff=mojca, name="schemathesis")


@pytest.fixture
def one_connection():
    """Keep the test's transaction across the requests, as Django's test client does: the
    WSGI handler would otherwise close the connection at the start and end of each request."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def circulation(tolmin, make_member, make_item, one_connection):
    """Members with a loan, a reservation and a debt, and copies on the shelf and on loan."""
    from django.utils import timezone

    from bukve.accounts.settlement import charge_record
    from bukve.circulation.daily import daily_run
    from bukve.circulation.holds import reservation_place
    from bukve.circulation.services import loan_checkout

    today = timezone.localdate()
    ana, bor = make_member(tolmin, "T0001"), make_member(tolmin, "T0002", last_name="Kos")
    make_item(tolmin, "T1001")
    lent = make_item(tolmin, "T1002")
    loan_checkout(member=ana, item=lent, today=today - timedelta(days=30),
                  due=today - timedelta(days=9))  # fmt: skip
    reservation_place(member=bor, item=lent)
    charge_record(member=ana, day=today, kind="card", amount=Decimal("2.00"))
    daily_run(library=tolmin, until=today)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_it_answers_any_request_as_documented(case, token, circulation):
    case.call_and_validate()
