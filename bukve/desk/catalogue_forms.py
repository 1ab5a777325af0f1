"""Forms of cataloguing at the desk: they parse and check what is typed; the catalogue's
services (bukve/catalog/services.py) check the rest (a title, a possible year, valid ISBNs)
and write it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bukve.catalog.models import MATERIAL_LABELS, Item, Record
from bukve.catalog.services import ItemFields, RecordFields
from bukve.desk.forms import BarcodeForm
from bukve.desk.setup_forms import DATE_INPUT
from bukve.inputs import AmountField, plausible_day
from bukve.libraries.models import Branch
from bukve.rules.policy import MATERIALS

MATERIAL_CHOICES = [(m, MATERIAL_LABELS[m]) for m in MATERIALS]
LINES = forms.Textarea(attrs={"rows": 3})
# Which field of the record form a refusal of the record services is about.
REFUSED_FIELD = {"title_required": "title", "year_implausible": "year", "isbn_invalid": "isbn"}


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Title, author, subject, ISBN or barcode"),
        max_length=200,
        help_text=_("Words in any order; scan a copy's barcode to open its record."),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "type": "search"}),
    )


def _lines_field(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=False, widget=LINES, help_text=help_text, max_length=5000
    )


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class RecordForm(forms.Form):
    """A record's description; repeated values (other authors, subjects) one per line."""

    title = forms.CharField(label=_("Title"), max_length=500, required=False,
                            widget=forms.TextInput(attrs={"autofocus": True}))  # fmt: skip
    subtitle = forms.CharField(label=_("Subtitle"), max_length=500, required=False)
    responsibility = forms.CharField(
        label=_("Statement of responsibility"), max_length=500, required=False,
        help_text=_("As the title page says it, e.g. Ivan Cankar ; ilustriral Hinko Smrekar"),
    )  # fmt: skip
    author = forms.CharField(label=_("Main author"), max_length=300, required=False,
                             help_text=_("Surname, first name"))  # fmt: skip
    added_authors = _lines_field(_("Other authors"), _("One per line."))
    publisher = forms.CharField(label=_("Publisher"), max_length=300, required=False)
    place = forms.CharField(label=_("Place of publication"), max_length=200, required=False)
    year = forms.IntegerField(label=_("Year of publication"), required=False,
                              widget=forms.TextInput(attrs={"inputmode": "numeric"}))  # fmt: skip
    edition = forms.CharField(label=_("Edition"), max_length=200, required=False)
    isbn = forms.CharField(label=_("ISBN"), max_length=30, required=False,
                           help_text=_("10 or 13 digits; hyphens may be typed."))  # fmt: skip
    other_isbns = _lines_field(_("Other ISBNs"), _("One per line."))
    issn = forms.CharField(label=_("ISSN"), max_length=20, required=False)
    language = forms.RegexField(
        label=_("Language"), regex=r"^[A-Za-z]{3}$", required=False, max_length=3,
        help_text=_("The three-letter code, e.g. slv, eng."),
        error_messages={"invalid": _("Enter the three-letter code of the language, e.g. slv.")},
    )  # fmt: skip
    subjects = _lines_field(_("Subjects"), _("One per line."))
    classification = forms.CharField(label=_("UDC"), max_length=100, required=False)
    series = forms.CharField(label=_("Series"), max_length=300, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=LINES, max_length=5000)
    material = forms.ChoiceField(label=_("Material"), choices=MATERIAL_CHOICES)

    @classmethod
    def of(cls, record: Record) -> RecordForm:
        """The form filled in with what `record` describes."""
        initial = {name: getattr(record, name) for name in cls.base_fields}
        for name in ("added_authors", "subjects", "other_isbns"):
            initial[name] = "\n".join(getattr(record, name))
        return cls(initial=initial)

    def values(self) -> RecordFields:
        data: dict[str, Any] = dict(self.cleaned_data)
        for name in ("added_authors", "subjects", "other_isbns"):
            data[name] = _lines(data[name])
        return RecordFields(**data)


class CopyScanForm(BarcodeForm):
    """Add a copy by scanning its new barcode: the copy is like the record's last one
    (branch, call number, location, material), at the librarian's branch if it has none."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_new_%s")
        super().__init__(*args, **kwargs)
        self.fields["barcode"].label = _("Barcode of a new copy")
        self.fields["barcode"].help_text = _(
            "Scan the new label: the copy is added at once, like the copy before it."
        )


class BranchField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class CopyForm(forms.Form):
    barcode = forms.CharField(label=_("Barcode"), max_length=50,
                              widget=forms.TextInput(attrs={"autocomplete": "off"}))  # fmt: skip
    branch = BranchField(queryset=Branch.objects.none(), label=_("Branch"), empty_label=None)
    call_number = forms.CharField(label=_("Call number"), max_length=100, required=False,
                                  help_text=_("e.g. 821.163.6 CANKAR I. Na"))  # fmt: skip
    location = forms.CharField(label=_("Location"), max_length=100, required=False,
                               help_text=_("e.g. the children's department"))  # fmt: skip
    material = forms.ChoiceField(label=_("Material"), choices=MATERIAL_CHOICES)
    price = AmountField(label=_("Price (€)"), required=False, min_value=Decimal("0.00"))
    acquired = forms.DateField(label=_("Acquired"), required=False, widget=DATE_INPUT,
                               validators=[plausible_day])  # fmt: skip
    not_for_loan = forms.BooleanField(label=_("Not for home loan"), required=False)
    parts = forms.IntegerField(label=_("Parts of a set"), min_value=1, max_value=999, initial=1)
    rfid = forms.CharField(label=_("RFID tag"), max_length=64, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, branches: QuerySet[Branch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(BranchField, self.fields["branch"]).queryset = branches

    @classmethod
    def of(cls, item: Item, branches: QuerySet[Branch], data: Any = None) -> CopyForm:
        initial = {name: getattr(item, name) for name in cls.base_fields}
        return cls(data, initial=initial, branches=branches)

    def clean_barcode(self) -> str:
        return cast(str, self.cleaned_data["barcode"]).strip()

    def values(self) -> ItemFields:
        return ItemFields(**self.cleaned_data)


class MoveForm(forms.Form):
    """Move a copy to another branch (its home, where it is shelved and comes back to)."""

    branch = BranchField(queryset=Branch.objects.none(), label=_("Move to branch"),
                         empty_label=None)  # fmt: skip

    def __init__(self, *args: Any, branches: QuerySet[Branch], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_move_%s")
        super().__init__(*args, **kwargs)
        cast(BranchField, self.fields["branch"]).queryset = branches
