"""`bukve token create` and `bukve token revoke`, as an administrator uses them."""

from __future__ import annotations

import pytest
from django.test import Client

from bukve import cli


@pytest.fixture
def bukve(monkeypatch, capsys):
    """Run the `bukve` command in this process, on the test database (migrated already)."""
    monkeypatch.setattr(cli, "migrate", lambda: None)

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_it_creates_a_key_that_opens_the_api_until_revoked(bukve, mojca, make_member):
    # given
    make_member(mojca.library, "T0001")

    # when
    code, out, err = bukve("token", "create", "--user", "mojca", "--name", "self-check")

    # then: the key alone on stdout, and it works
    assert code == 0, err
    key = out.strip()
    assert len(out.splitlines()) == 1
    assert key[:8] in err
    api = Client(headers={"Authorization": f"Bearer {key}"})
    assert api.get("/api/members/T0001").status_code == 200

    # when
    code, out, err = bukve("token", "revoke", key[:8])

    # then
    assert code == 0, err
    assert api.get("/api/members/T0001").status_code == 401


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "--user", "nobody", "--name", "x"), "no staff member with the user name"),
        (("create", "--user", "mojca", "--name", "  "), "a token needs a name"),
        (("revoke", "abcdefgh"), "no token with the prefix 'abcdefgh'"),
    ],
)
def test_it_refuses_bad_input_in_one_line(bukve, mojca, args, message):
    code, out, err = bukve("token", *args)

    assert code == 2
    assert message in err
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err


def test_it_lists_and_revokes_tokens_in_the_admin(admin_client, key):
    from bukve.api.models import ApiToken

    token = ApiToken.objects.get()

    listed = admin_client.get("/admin/api/apitoken/")
    shown = admin_client.get(f"/admin/api/apitoken/{token.pk}/change/")
    admin_client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})

    assert listed.status_code == shown.status_code == 200
    assert token.prefix in listed.content.decode()
    assert token.key_hash not in shown.content.decode()
    token.refresh_from_db()
    assert token.revoked
