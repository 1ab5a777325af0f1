"""Cataloguing at the desk: a cataloguer (or an administrator) finds a record, describes it,
adds its copies by scanning their barcodes, edits, moves and withdraws a copy and prints its
spine label; everyone else gets the 403 page. Bad input is answered in words, never a 500."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from bukve.catalog.models import Item, Record
from bukve.catalog.services import isbn_digits
from bukve.circulation.services import loan_checkout
from bukve.libraries.models import Staff
from bukve.refusals import Refused
from tests.portal.helpers import page, sentence, sl

RECORD = {
    "title": "Na klancu",
    "subtitle": "",
    "responsibility": "Ivan Cankar",
    "author": "Cankar, Ivan",
    "added_authors": "Smrekar, Hinko\n",
    "publisher": "Mladinska knjiga",
    "place": "Ljubljana",
    "year": "2008",
    "edition": "2. izd.",
    "isbn": "978-86-11-17054-1",
    "other_isbns": "",
    "issn": "",
    "language": "SLV",
    "subjects": "Slovenska književnost\nRomani",
    "classification": "821.163.6-31",
    "series": "Zbirka Sinji galeb",
    "notes": "",
    "material": "book",
}


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


@pytest.fixture
def cataloguer(staff_client, tolmin):
    """Mojca, circulation staff who catalogue too."""
    desk = staff_client(tolmin, username="mojca")
    Staff.objects.filter(user__username="mojca").update(cataloguer=True)
    return desk


@pytest.fixture
def na_klancu(tolmin, make_item):
    item = make_item(
        tolmin, "T0001", record="cankar", title="Na klancu", call_number="821.163.6 CANKAR I. Na"
    )
    record = item.record
    record.author = "Cankar, Ivan"
    record.save()  # indexes the author for the search
    return record


def test_it_lets_in_cataloguers_and_administrators_only(staff_client, tolmin, client):
    # given: circulation staff, then an administrator
    desk = staff_client(tolmin)

    # then
    assert desk.get(reverse("desk:catalogue")).status_code == 403
    assert desk.get(reverse("desk:catalogue_record_new")).status_code == 403
    assert reverse("desk:catalogue") not in page(desk.get(reverse("desk:home")))

    admin = staff_client(tolmin, Staff.ADMINISTRATOR)
    assert reverse("desk:catalogue") in page(admin.get(reverse("desk:home")))
    assert admin.get(reverse("desk:catalogue")).status_code == 200


def test_a_cataloguer_sees_the_catalogue_in_the_navigation(cataloguer):
    html = page(cataloguer.get(reverse("desk:home")))
    assert reverse("desk:catalogue") in html
    assert sl("Catalogue") in html


def test_it_finds_records_and_shows_facets(cataloguer, na_klancu):
    html = page(cataloguer.get(reverse("desk:catalogue"), {"q": "klanec cankar"}))
    assert reverse("desk:catalogue_record", args=[na_klancu.pk]) in html
    assert "Tolmin" in html or "material=book" in html  # a facet to narrow the search


def test_a_scanned_copy_opens_its_record(cataloguer, na_klancu):
    response = cataloguer.get(reverse("desk:catalogue"), {"q": " T0001 "})
    assert response.status_code == 302
    assert response.url == reverse("desk:catalogue_record", args=[na_klancu.pk])


def test_it_catalogues_a_new_record(cataloguer, tolmin):
    # when
    response = cataloguer.post(reverse("desk:catalogue_record_new"), RECORD)

    # then
    record = Record.objects.get(library=tolmin, title="Na klancu")
    assert response.status_code == 302
    assert response.url == reverse("desk:catalogue_record", args=[record.pk])
    assert record.isbn == "9788611170541"
    assert record.added_authors == ["Smrekar, Hinko"]
    assert record.subjects == ["Slovenska književnost", "Romani"]
    assert record.language == "slv"
    assert record.year == 2008
    assert record.updated_by.username == "mojca"
    # and it is found by the search at once
    assert reverse("desk:catalogue_record", args=[record.pk]) in page(
        cataloguer.get(reverse("desk:catalogue"), {"q": "galeb"})
    )


def test_it_edits_a_record(cataloguer, na_klancu):
    response = cataloguer.post(
        reverse("desk:catalogue_record_edit", args=[na_klancu.pk]),
        {**RECORD, "title": "Na klancu : roman", "isbn": "", "year": "1904"},
    )
    assert response.status_code == 302
    na_klancu.refresh_from_db()
    assert (na_klancu.title, na_klancu.year, na_klancu.isbn) == ("Na klancu : roman", 1904, "")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "  ", sentence("title_required")),
        (
            "year",
            "3024",
            escape(
                sl("%(year)s is not a possible year of publication; please check it.", year=3024)
            ),
        ),
        ("year", "lani", "celo število"),  # Django's "Enter a whole number."
        (
            "isbn",
            "978-86-11-17054-4",
            escape(sl("%(isbn)s is not a valid ISBN: check its digits.", isbn="978-86-11-17054-4")),
        ),
        (
            "isbn",
            "12345",
            escape(sl("%(isbn)s is not a valid ISBN: check its digits.", isbn="12345")),
        ),
        (
            "other_isbns",
            "0306406152\nabc",
            escape(sl("%(isbn)s is not a valid ISBN: check its digits.", isbn="abc")),
        ),
        (
            "language",
            "slovenščina",
            escape(sl("Enter the three-letter code of the language, e.g. slv.")),
        ),
        ("title", "x" * 600, "500"),
    ],
)
def test_bad_input_is_answered_at_its_field(cataloguer, tolmin, field, value, message):
    response = cataloguer.post(reverse("desk:catalogue_record_new"), {**RECORD, field: value})
    assert message in page(response)
    assert not Record.objects.filter(library=tolmin).exists()


def test_isbn_check_digits():
    assert isbn_digits("0-306-40615-2") == "0306406152"
    assert isbn_digits("978 0 306 40615 7") == "9780306406157"
    assert isbn_digits("") == ""
    for bad in ("0-306-40615-3", "9790306406157", "97803064061571", "ISBN"):
        with pytest.raises(Refused) as refused:
            isbn_digits(bad)
        assert refused.value.code == "isbn_invalid"


def test_a_scanned_barcode_adds_a_copy_like_the_last_one(cataloguer, na_klancu):
    # when: the new copy's label is scanned on the record's page
    url = reverse("desk:catalogue_record", args=[na_klancu.pk])
    assert "autofocus" in page(cataloguer.get(url))
    response = cataloguer.post(
        reverse("desk:catalogue_copy_scan", args=[na_klancu.pk]), {"barcode": " T0002\n"}
    )

    # then: back on the page, ready for the next scan
    assert (response.status_code, response.url) == (302, url)
    copy = Item.objects.get(barcode="T0002")
    assert copy.record == na_klancu
    assert copy.call_number == "821.163.6 CANKAR I. Na"
    assert copy.created_by.username == "mojca"
    html = page(cataloguer.get(url))
    assert (
        sl("%(barcode)s: copy added at %(branch)s.", barcode="T0002", branch=copy.branch.name)
        in html
    )


def test_a_duplicate_barcode_is_refused_with_a_message(cataloguer, tolmin, na_klancu, make_item):
    make_item(tolmin, "T0099", record="other", title="Drugo")
    response = cataloguer.post(
        reverse("desk:catalogue_copy_scan", args=[na_klancu.pk]), {"barcode": "T0099"}, follow=True
    )
    assert sentence("barcode_taken") in page(response)
    assert na_klancu.items.count() == 1

    # and in the full form, at the barcode field
    branch = tolmin.branches.first()
    response = cataloguer.post(
        reverse("desk:catalogue_copy_new", args=[na_klancu.pk]),
        {"barcode": "T0099", "branch": branch.pk, "material": "book", "parts": "1"},
    )
    assert sentence("barcode_taken") in page(response)


def test_a_copy_is_added_with_all_its_details(cataloguer, tolmin, na_klancu):
    branch = tolmin.branches.order_by("id").last()
    response = cataloguer.post(
        reverse("desk:catalogue_copy_new", args=[na_klancu.pk]),
        {
            "barcode": "T0003",
            "branch": branch.pk,
            "material": "book",
            "parts": "2",
            "call_number": "821 CAN",
            "price": "24,90",
            "acquired": "2026-03-02",
            "not_for_loan": "on",
            "rfid": "E2801160",
            "note": "Darilo",
        },
    )
    assert response.status_code == 302
    copy = Item.objects.get(barcode="T0003")
    assert (copy.branch, str(copy.price), copy.acquired, copy.not_for_loan, copy.parts) == (
        branch,
        "24.90",
        date(2026, 3, 2),
        True,
        2,
    )


def test_bad_copy_input_gives_messages(cataloguer, tolmin, na_klancu):
    url = reverse("desk:catalogue_copy_new", args=[na_klancu.pk])
    html = page(
        cataloguer.post(
            url,
            {
                "barcode": "",
                "branch": "999999",
                "material": "spaceship",
                "parts": "0",
                "price": "abc",
                "acquired": "0001-01-01",
            },
        )
    )
    assert sl("This field is required.") in html
    assert not Item.objects.filter(record=na_klancu).exclude(barcode="T0001").exists()
    # an empty scan is answered too
    response = cataloguer.post(
        reverse("desk:catalogue_copy_scan", args=[na_klancu.pk]), {"barcode": ""}, follow=True
    )
    assert response.status_code == 200


def test_it_edits_and_moves_a_copy(cataloguer, tolmin, na_klancu):
    copy = na_klancu.items.get()
    other = tolmin.branches.exclude(pk=copy.branch_id).first()
    response = cataloguer.post(
        reverse("desk:catalogue_copy_move", args=[copy.pk]), {"branch": other.pk}
    )
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.branch == other
    assert copy.call_number == "821.163.6 CANKAR I. Na"

    response = cataloguer.post(
        reverse("desk:catalogue_copy", args=[copy.pk]),
        {
            "barcode": "T0001",
            "branch": other.pk,
            "material": "book",
            "parts": "1",
            "call_number": "821 CAN I.",
        },
    )
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.call_number == "821 CAN I."
    assert copy.updated_by.username == "mojca"


def test_it_withdraws_a_copy_once_confirmed(cataloguer, na_klancu):
    copy = na_klancu.items.get()
    url = reverse("desk:catalogue_copy_withdraw", args=[copy.pk])
    assert sl("Withdraw the copy") in page(cataloguer.get(url))
    copy.refresh_from_db()
    assert copy.status == Item.SHELF  # a GET only asks

    response = cataloguer.post(url, follow=True)
    copy.refresh_from_db()
    assert (copy.status, copy.withdrawn_on) == (Item.WITHDRAWN, timezone.localdate())
    assert sl("%(barcode)s: copy withdrawn.", barcode="T0001") in page(response)


def test_a_copy_on_loan_is_not_withdrawn(cataloguer, tolmin, na_klancu, make_member):
    copy = na_klancu.items.get()
    loan_checkout(member=make_member(tolmin, "TO0001"), item=copy, today=timezone.localdate())
    response = cataloguer.post(reverse("desk:catalogue_copy_withdraw", args=[copy.pk]), follow=True)
    assert sentence("item_on_loan") in page(response)
    copy.refresh_from_db()
    assert copy.status == Item.LOAN


def test_the_spine_label_splits_the_call_number_into_lines(cataloguer, tolmin, na_klancu):
    copy = na_klancu.items.get()
    html = page(cataloguer.get(reverse("desk:catalogue_label", args=[copy.pk])))
    assert "<span>821.163.6</span><span>CANKAR</span><span>I.</span><span>Na</span>" in html
    assert tolmin.name in html


def test_another_librarys_records_and_copies_are_not_found(cataloguer, load_library, make_item):
    maribor = load_library("maribor")
    theirs = make_item(maribor, "M0001", title="Tuje")
    assert (
        cataloguer.get(reverse("desk:catalogue_record", args=[theirs.record_id])).status_code == 404
    )
    assert cataloguer.get(reverse("desk:catalogue_copy", args=[theirs.pk])).status_code == 404
    assert (
        cataloguer.post(reverse("desk:catalogue_copy_withdraw", args=[theirs.pk])).status_code
        == 404
    )
    response = cataloguer.get(reverse("desk:catalogue"), {"q": "M0001"})
    assert response.status_code == 200


def test_odd_searches_are_answered(cataloguer, na_klancu):
    for query in ["", "   ", "\"'*()", "a" * 300, "klanec", "AND OR NOT", "-"]:
        response = cataloguer.get(
            reverse("desk:catalogue"), {"q": query, "year": "abc", "material": "x"}
        )
        assert response.status_code == 200, query


def test_a_nul_character_is_refused_before_the_view(cataloguer, tolmin):
    # the middleware answers input with NUL characters (which PostgreSQL can't keep) with 400
    response = cataloguer.post(
        reverse("desk:catalogue_record_new"), {**RECORD, "title": "Na\x00klancu"}
    )
    assert response.status_code == 400
    assert cataloguer.get(reverse("desk:catalogue"), {"q": "x\x00y"}).status_code == 400
