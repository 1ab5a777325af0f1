"""Shared fixtures. The database is the one DATABASE_URL names (SQLite by default);
`.ci/run` runs the suite once on SQLite and once on PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest


@pytest.fixture
def load_library(db):
    """Load a preset library into the test database: load_library("maribor")."""
    from bukve.libraries.services import library_load, preset_read

    def load(code: str):
        return library_load(policy=preset_read(code))

    return load


@pytest.fixture
def make_member(db):
    from bukve.members.models import Member

    def make(
        library, card: str, *, category: str = "adult", born: date = date(1985, 3, 2), **fields
    ):
        fields.setdefault("first_name", card)
        return Member.objects.create(
            library=library, card_number=card, category=category, born=born, **fields
        )

    return make


@pytest.fixture
def make_item(db):
    from bukve.catalog.models import Item, Record

    def make(
        library,
        barcode: str,
        *,
        material: str = "book",
        record: str | None = None,
        title: str = "",
        branch: str | None = None,
        price: str | None = None,
        **fields,
    ):
        record_obj, _ = Record.objects.get_or_create(
            library=library, key=record or barcode, defaults={"title": title}
        )
        branch_obj = (
            library.branches.get(code=branch) if branch else library.branches.order_by("id").first()
        )
        return Item.objects.create(
            library=library,
            record=record_obj,
            barcode=barcode,
            material=material,
            branch=branch_obj,
            price=Decimal(price) if price else None,
            **fields,
        )

    return make
