import pytest


@pytest.fixture
def staff_client(db, client):
    """A test client logged in as staff of a library: staff_client(library, role)."""
    from django.contrib.auth.models import User

    from bukve.libraries.models import Staff

    def login(library, role=Staff.CIRCULATION, *, branch=None, username=None):
        user = User.objects.create_user(username or f"{library.code}-{role}", password="x")
        Staff.objects.create(user=user, library=library, role=role, branch=branch)
        client.force_login(user)
        return client

    return login
