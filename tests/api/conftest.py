"""The cast of the API tests: Tolmin, its librarian Mojca and a staff system using her token."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


@pytest.fixture
def mojca(tolmin):
    from django.contrib.auth.models import User

    from bukve.libraries.models import Staff

    return Staff.objects.create(user=User.objects.create_user("mojca"), library=tolmin)


@pytest.fixture
def key(mojca) -> str:
    from bukve.api.services import api_token_create

    return api_token_create(staff=mojca, name="self-check Tolmin")[1]


@pytest.fixture
def api(key) -> Client:
    """A client of the API presenting Mojca's token."""
    return Client(headers={"Authorization": f"Bearer {key}"})
