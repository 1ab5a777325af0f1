"""Names of policy values as the library's rules say them: every dotted key of the presets
(`profiles.standard.loan_days.toy`, as `flat_values` and `assumed` name it) with a human
label in the page's language ("Loan period (toy, standard)"), and the names of the things a
key names (materials, categories, notice ladders, branches, price-list groups).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bukve.catalog.models import MATERIAL_LABELS
from bukve.desk.money_views import GROUPS
from bukve.libraries.models import profile_label, season_label
from bukve.members.models import CARD_REASONS, CATEGORY_LABELS
from bukve.rules.policy import entry_name

L = gettext_lazy

# --- names of the things a key names ------------------------------------------------------

LADDERS = {
    "standard": L("standard notices"),
    "mobile_books": L("notices of the mobile library for book material"),
    "mobile_short": L("notices of the mobile library for other material"),
}
CHANNELS = {"desk": L("at the desk"), "phone": L("by phone"), "email": L("by e-mail"),
            "online": L("online"), "selfcheck": L("at the self-service machine")}  # fmt: skip
PER_UNIT = {"page": L("%(amount)s per page"), "unit": L("%(amount)s per unit"),
            "hour": L("%(amount)s per hour"), "started_hour": L("%(amount)s per started hour"),
            "day": L("%(amount)s per day"), "record": L("%(amount)s per record")}  # fmt: skip
UNIT_NAMES = {"item": L("piece"), "page": L("page"), "unit": L("unit"), "hour": L("hour"),
              "started_hour": L("started hour"), "day": L("day"),
              "record": L("record")}  # fmt: skip
LEGAL_ENTITIES = {"schools": L("schools"), "kindergartens": L("kindergartens")}
CARD_REASON_LABELS = dict(CARD_REASONS)
ENUMS: dict[str, dict[str, Promise]] = {
    "method": {"daily": L("for every chargeable day"),
               "period": L("for every started loan period")},
    "chargeable": {"open_days": L("the days the branch is open"),
                   "working_days": L("working days (Monday to Friday, not holidays)")},
    "pickup_days_kind": {"open_days": L("open days of the pick-up branch"),
                         "working_days": L("working days (Monday to Friday, not holidays or "
                                           "closures of the pick-up branch)")},
    "anchor": {"previous": L("each notice from the one before (the first from the due date)"),
               "due": L("every notice from the due date")},
    "reference": {"card_number": L("the member's card number")},
}  # fmt: skip


def material_name(material: str) -> str:
    if material == "default":
        return _("other material")
    return str(MATERIAL_LABELS.get(material, material))


def category_name(category: str) -> str:
    if category == "default":
        return _("other categories")
    return str(CATEGORY_LABELS.get(category, category))


def ladder_name(ladder: str) -> str:
    return str(LADDERS.get(ladder, ladder))


def entry(data: Any, part: str) -> Mapping[str, Any]:
    """The entry of a list of tables that a key part names (see `entry_name`)."""
    if isinstance(data, list):
        for n, entry in enumerate(data):
            if isinstance(entry, Mapping) and entry_name(entry, n) == part:
                return entry
    return {}


def step_name(data: Mapping[str, Any], ladder: str, part: str) -> str:
    steps = data.get("ladders", {}).get(ladder, {}).get("steps", [])
    step = entry(steps, part)
    if step.get("collection"):
        return _("hand-over to collection")
    level = step.get("level", int(part) + 1 if part.isdigit() else part)
    return _("notice %(level)s") % {"level": level}


def _branch_name(data: Mapping[str, Any], branch: str) -> str:
    return str(entry(data.get("branches", []), branch).get("name", branch))


def _season_name(data: Mapping[str, Any], branch: str, part: str) -> str:
    seasons = entry(data.get("branches", []), branch).get("seasons", [])
    name = str(entry(seasons, part).get("name", part))
    return season_label(name)


def _price_name(data: Mapping[str, Any], group: str, part: str) -> str:
    items = entry(data.get("prices", []), group).get("items", [])
    return str(entry(items, part).get("name", part))


def group_name(group: str) -> str:
    return str(GROUPS.get(group, group))


# --- labels -------------------------------------------------------------------------------

# Every key of the presets: a pattern of its parts, what the value is, and its kind (how it
# is written). A part in <> stands for any one part, named by the function of that name.
# The order matters only where a literal and a placeholder could both match.
PATTERNS: list[tuple[str, Promise, str]] = [
    ("id", L("code of the library"), "text"),
    ("name", L("name of the library"), "text"),
    ("valid_from", L("valid from"), "date"),
    ("branches.<b>.id", L("code of the branch"), "text"),
    ("branches.<b>.name", L("name of the branch"), "text"),
    ("branches.<b>.address", L("address"), "text"),
    ("branches.<b>.profile", L("loan rules"), "profile"),
    ("branches.<b>.weekdays", L("open on"), "weekdays"),
    ("branches.<b>.seasons", L("seasonal schedules"), "text"),
    ("branches.<b>.seasons.<s>.name", L("name of the season"), "season"),
    ("branches.<b>.seasons.<s>.from", L("season starts"), "month_day"),
    ("branches.<b>.seasons.<s>.to", L("season ends"), "month_day"),
    ("branches.<b>.seasons.<s>.weekdays", L("open on"), "weekdays"),
    ("profiles.<p>.loan_days.<m>", L("loan period"), "days"),
    ("profiles.<p>.renewal_days.<m>", L("renewal period"), "days"),
    ("profiles.<p>.max_renewals", L("renewals of one loan"), "renewals"),
    ("profiles.<p>.not_for_loan", L("not for loan"), "materials"),
    ("profiles.<p>.not_renewable", L("cannot be renewed"), "materials"),
    ("profiles.<p>.ladders.<m>", L("notices"), "ladder"),
    ("profiles.<p>.fines.method", L("fine is charged"), "enum"),
    ("profiles.<p>.fines.chargeable", L("chargeable days"), "enum"),
    ("profiles.<p>.fines.tolerance_days", L("days of tolerance after the due date"), "days"),
    ("profiles.<p>.fines.period_days", L("length of a fine period"), "days"),
    ("profiles.<p>.fines.stop_at_level", L("the fine stops growing at"), "level"),
    ("profiles.<p>.fines.rates.<m>", L("fine"), "rate"),
    ("ladders.<l>.anchor", L("days are counted"), "enum"),
    ("ladders.<l>.steps.<n>.level", L("number of the notice"), "count"),
    ("ladders.<l>.steps.<n>.days", L("days"), "step_days"),
    ("ladders.<l>.steps.<n>.fee", L("fee"), "money"),
    ("ladders.<l>.steps.<n>.registered_mail", L("by registered mail"), "bool"),
    ("ladders.<l>.steps.<n>.collection", L("hand-over to collection"), "bool"),
    ("circulation.overdue_renewal_channels", L("an overdue loan can be renewed"), "channels"),
    ("circulation.debt_blocks", L("a debt blocks loans"), "bool"),
    ("circulation.debt_age_months", L("a debt blocks loans when older than"), "months"),
    ("circulation.return_noticed_items_before_paying",
     L("items with a notice are returned before the debt is paid"), "bool"),
    ("circulation.fine_exempt_categories", L("members who pay no fines"), "categories"),
    ("circulation.guardian_age", L("a guardian signs for members under"), "age"),
    ("circulation.max_loans", L("most items on loan at once"), "count"),
    ("circulation.offline_max_loans", L("most items lent while the system is offline"), "count"),
    ("circulation.borrow_only_on.<c>", L("borrows only at branches with the rules of"), "profile"),
    ("holds.pickup_open_days", L("a reservation waits for pick-up"), "open_days"),
    ("holds.pickup_days_kind", L("days counted for the pick-up"), "enum"),
    ("holds.not_collected_fee", L("fee for a reservation not picked up"), "money"),
    ("holds.locker_days", L("items wait in the parcel locker"), "days"),
    ("holds.locker_not_collected_fee", L("fee for an item not picked up from the locker"),
     "money"),
    ("lost.processing_fee", L("processing fee for a lost item"), "money"),
    ("lost.price_multiplier.<m>", L("a lost item costs"), "multiplier"),
    ("lost.without_processing", L("no processing fee for"), "materials"),
    ("collection.fee", L("yearly fee for a hand-over to collection"), "money"),
    ("membership.fees.<c>", L("membership fee"), "money"),
    ("membership.free_under_age", L("membership is free for members under"), "age"),
    ("membership.evidence", L("free categories that show evidence"), "categories"),
    ("membership.certificate_months", L("a certificate may be at most"), "months_old"),
    ("membership.period_months", L("membership lasts"), "months"),
    ("membership.renew_before_days", L("membership can be renewed before it ends"), "days"),
    ("membership.online_registration", L("online registration"), "bool"),
    ("membership.online_registration_requires_payment",
     L("online registration needs the fee paid online"), "bool"),
    ("membership.free_categories_register_in_person",
     L("free categories register in person"), "bool"),
    ("membership.free_legal_entities", L("free legal entities"), "entities"),
    ("cards.prefix", L("card numbers start with"), "text"),
    ("cards.child_under_age", L("the child's price is for members under"), "age"),
    ("cards.<r>.child", L("card price for a child"), "money"),
    ("cards.<r>.adult", L("card price for an adult"), "money"),
    ("cards.<c>.<r>.child", L("card price for a child"), "money"),
    ("cards.<c>.<r>.adult", L("card price for an adult"), "money"),
    ("prices.<g>.group", L("group of the price list"), "group"),
    ("prices.<g>.items.<i>.code", L("code"), "text"),
    ("prices.<g>.items.<i>.name", L("name"), "text"),
    ("prices.<g>.items.<i>.amount", L("price"), "price"),
    ("prices.<g>.items.<i>.unit", L("unit"), "unit"),
    ("vat.payer", L("the library is a VAT payer"), "bool"),
    ("vat.note", L("note on receipts"), "text"),
    ("vat.general", L("VAT at the general rate is included in the prices of"), "groups"),
    ("vat.reduced", L("VAT at the reduced rate is included in the prices of"), "groups"),
    ("vat.exempt", L("exempt from VAT"), "groups"),
    ("payment.iban", L("IBAN"), "text"),
    ("payment.bic", L("BIC"), "text"),
    ("payment.reference", L("reference of a payment"), "enum"),
    ("payment.name", L("recipient"), "text"),
    ("payment.street", L("street"), "text"),
    ("payment.place", L("post code and place"), "text"),
    ("payment.purpose_code", L("purpose code"), "text"),
    ("messages.reminder_days", L("reminder before the due date"), "days_before"),
    ("messages.membership_expiring_days", L("reminder before the membership ends"),
     "days_before"),
]  # fmt: skip


@dataclass(frozen=True)
class Pattern:
    parts: tuple[str, ...]
    what: Promise
    kind: str


_PATTERNS = [Pattern(tuple(p.split(".")), what, kind) for p, what, kind in PATTERNS]


def _match(key: str) -> tuple[Pattern, dict[str, str]] | None:
    parts = key.split(".")
    for pattern in _PATTERNS:
        if len(pattern.parts) != len(parts):
            continue
        names: dict[str, str] = {}
        for want, part in zip(pattern.parts, parts, strict=True):
            if want.startswith("<"):
                names[want.strip("<>")] = part
            elif want != part:
                break
        else:
            return pattern, names
    return None


def _details(names: dict[str, str], data: Mapping[str, Any]) -> list[str]:
    """What the placeholders of a key name, the most particular first."""
    namers: dict[str, Callable[[str], str]] = {
        "m": material_name,
        "p": profile_label,
        "l": ladder_name,
        "n": lambda n: step_name(data, names["l"], n),
        "b": lambda b: _branch_name(data, b),
        "s": lambda s: _season_name(data, names["b"], s),
        "c": category_name,
        "r": lambda r: str(CARD_REASON_LABELS.get(r, r)),
        "g": group_name,
        "i": lambda i: _price_name(data, names["g"], i),
        "v": lambda v: f"{formats.number_format(Decimal(v), use_l10n=True)} %",
    }
    return [namers[name](part) for name, part in reversed(names.items())]


def what(key: str) -> str | None:
    """What a key's value is, without which one ("loan period"); None for an unknown key."""
    found = _match(key)
    return str(found[0].what) if found else None


def label(key: str, data: Mapping[str, Any], *, first: bool = True) -> str | None:
    """A key as the rules name it: "Loan period (toy, standard)"; None for a key no pattern
    knows (then the page shows the key itself). `first=False` for the middle of a sentence.
    """
    found = _match(key)
    if found is None:
        return None
    pattern, names = found
    name = capfirst(str(pattern.what)) if first else str(pattern.what)
    details = _details(names, data)
    if not details:
        return name
    return _("%(what)s (%(details)s)") % {"what": name, "details": ", ".join(details)}


def kind(key: str) -> str:
    found = _match(key)
    return found[0].kind if found else "text"
