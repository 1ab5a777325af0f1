"""Secrets are secret (issue 20): in development and the demo the secret key and the sandbox
bank's signing secret are random per installation, kept under var/, so that nothing signed
with a key published in the source (the old "insecure-development-key-" + USER and
"sandbox-" + that) is believed."""

import hashlib
import hmac
import json
import os
import stat
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client

from bukve.accounts.models import OnlinePayment, Payment, ProviderEvent
from bukve.accounts.online import online_payment_start
from bukve.accounts.services import open_debt
from bukve.accounts.settlement import charge_record
from bukve.installation import installation_secret
from bukve.members.models import Member, Registration

# What anyone could read in the source before: the development key and the sandbox's.
PUBLISHED_KEY = "insecure-development-key-" + os.environ.get("USER", "bukve")
PUBLISHED_SANDBOX_SECRET = "sandbox-" + PUBLISHED_KEY


def test_it_makes_a_random_secret_once_readable_by_its_owner_only(tmp_path):
    # when: a secret is asked for twice, and another one
    first = installation_secret(tmp_path / "var" / "secret_key")
    again = installation_secret(tmp_path / "var" / "secret_key")
    other = installation_secret(tmp_path / "var" / "sandbox_secret")

    # then: made once, long, kept in a file only its owner may read
    assert first == again and len(first) >= 50
    assert other != first
    path = tmp_path / "var" / "secret_key"
    assert path.read_text().strip() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["sandbox_secret", "secret_key"]


def test_the_sandbox_refuses_a_callback_signed_with_the_published_key(load_library, make_member):
    # given: an order at the sandbox bank
    velenje = load_library("velenje")
    ana = make_member(velenje, "0012345")
    charge_record(member=ana, day=date(2026, 6, 1), kind="fine", amount=Decimal("1.20"))
    order, _ = online_payment_start(member=ana, day=date(2026, 6, 10))
    body = json.dumps({"reference": order.reference, "id": order.provider_ref,
                       "status": "paid", "amount": "1.20", "currency": "eur"}).encode()  # fmt: skip
    bank = Client()

    def post(secret: str):
        signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return bank.post("/moja/pay/callback/sandbox/", body, content_type="application/json",
                         headers={"x_sandbox_signature": signature})  # fmt: skip

    # when: a "paid" callback signed with the key published in the source
    response = post(PUBLISHED_SANDBOX_SECRET)

    # then: refused, logged, nothing booked
    assert response.status_code == 400
    assert ProviderEvent.objects.get().outcome == "bad_signature"
    assert Payment.objects.count() == 0 and open_debt(ana) == Decimal("1.20")

    # but the installation's own secret is believed
    assert post(settings.BUKVE_SANDBOX_SECRET).status_code == 200
    order.refresh_from_db()
    assert order.status == OnlinePayment.PAID and open_debt(ana) == Decimal("0.00")


def test_a_registration_link_signed_with_the_published_key_is_refused(load_library):
    # given: Maja registered online and waits for her activation e-mail
    ravne = load_library("ravne")
    client = Client()
    client.post("/moja/register/", {
        "library": ravne.pk, "first_name": "Maja", "last_name": "Horvat", "born": "14. 2. 1990",
        "category": "adult", "address": "Prežihova ulica 24, Ravne na Koroškem",
        "email": "maja.horvat@example.org", "password": "knjige-za-vse",
        "password_again": "knjige-za-vse",
    })  # fmt: skip
    registration = Registration.objects.get()

    # when: somebody makes her link with the key published in the source
    forged = signing.dumps(
        [registration.pk, registration.link_sent_at.isoformat()],
        key=PUBLISHED_KEY,
        salt="bukve.membership.registration",
    )
    response = client.get(f"/moja/register/activate/{forged}/")

    # then: it is no link, and nobody becomes a member
    assert response.status_code == 400
    assert not Member.objects.exists()


def settings_in_a_new_process(**env: str) -> dict[str, str]:
    """SECRET_KEY and BUKVE_SANDBOX_SECRET as bukve.settings makes them with this environment
    (and none of the secrets or modes of the test run's)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("BUKVE_", "DJANGO_"))}
    code = (
        "import json, bukve.settings as s; "
        "print(json.dumps([s.SECRET_KEY, s.BUKVE_SANDBOX_SECRET, str(s.VAR_DIR)]))"
    )
    done = subprocess.run([sys.executable, "-c", code], env={**clean, **env},
                          capture_output=True, text=True, check=True)  # fmt: skip
    key, sandbox, var = json.loads(done.stdout)
    return {"key": key, "sandbox": sandbox, "var": var}


@pytest.mark.parametrize("mode", [{"BUKVE_DEBUG": "true"}, {"BUKVE_DEMO": "true"}])
def test_development_and_the_demo_use_the_secrets_kept_under_var(mode):
    made = settings_in_a_new_process(**mode)

    var = made["var"]
    with open(os.path.join(var, "secret_key")) as file:
        assert made["key"] == file.read().strip()
    with open(os.path.join(var, "sandbox_secret")) as file:
        assert made["sandbox"] == file.read().strip()
    assert made["key"] != PUBLISHED_KEY and made["sandbox"] != PUBLISHED_SANDBOX_SECRET
    for name in ("secret_key", "sandbox_secret"):
        assert stat.S_IMODE(os.stat(os.path.join(var, name)).st_mode) == 0o600


def test_secrets_from_the_environment_win_and_the_sandbox_stays_off_in_production():
    development = settings_in_a_new_process(
        BUKVE_DEBUG="true", BUKVE_SECRET_KEY="from-the-environment", BUKVE_SANDBOX_SECRET="bank"
    )
    production = settings_in_a_new_process(
        BUKVE_SECRET_KEY="from-the-environment", BUKVE_SANDBOX_SECRET="bank"
    )

    assert (development["key"], development["sandbox"]) == ("from-the-environment", "bank")
    assert (production["key"], production["sandbox"]) == ("from-the-environment", "")
