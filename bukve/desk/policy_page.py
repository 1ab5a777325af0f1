"""The library's rules as a librarian reads them: every policy value with a human label and
its value in the page's language, grouped the way the rules are (loans, fines, notices,
holds, lost material, debts, membership, cards, price list, VAT, bank payment).

A value is named by its dotted key (`profiles.standard.loan_days.toy`, as `flat_values` and
`assumed` name it); the key stays only the address of the edit link. `label` names any key of
the presets; `value_text` writes a value as the rules would ("28 dni", "0,20 € na dan").
`sections` lays out the page and `history` says what each version changed, when and by whom.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bukve.catalog.models import MATERIAL_LABELS
from bukve.desk.money_views import GROUPS
from bukve.desk.templatetags.bukve import money
from bukve.libraries.models import Branch, Library, PolicyVersion, profile_label, season_label
from bukve.libraries.services import policy_value_refusal
from bukve.members.models import CARD_REASONS, CATEGORY_LABELS
from bukve.rules.money import VAT_CLASSES, vat_rate
from bukve.rules.policy import Policy, assumed_covers, entry_name, flat_values

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


def _entry(data: Any, part: str) -> Mapping[str, Any]:
    """The entry of a list of tables that a key part names (see `entry_name`)."""
    if isinstance(data, list):
        for n, entry in enumerate(data):
            if isinstance(entry, Mapping) and entry_name(entry, n) == part:
                return entry
    return {}


def _step_name(data: Mapping[str, Any], ladder: str, part: str) -> str:
    steps = data.get("ladders", {}).get(ladder, {}).get("steps", [])
    step = _entry(steps, part)
    if step.get("collection"):
        return _("hand-over to collection")
    level = step.get("level", int(part) + 1 if part.isdigit() else part)
    return _("notice %(level)s") % {"level": level}


def _branch_name(data: Mapping[str, Any], branch: str) -> str:
    return str(_entry(data.get("branches", []), branch).get("name", branch))


def _season_name(data: Mapping[str, Any], branch: str, part: str) -> str:
    seasons = _entry(data.get("branches", []), branch).get("seasons", [])
    name = str(_entry(seasons, part).get("name", part))
    return season_label(name)


def _price_name(data: Mapping[str, Any], group: str, part: str) -> str:
    items = _entry(data.get("prices", []), group).get("items", [])
    return str(_entry(items, part).get("name", part))


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
        "n": lambda n: _step_name(data, names["l"], n),
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


# --- values -------------------------------------------------------------------------------


def day_text(day: date) -> str:
    return formats.date_format(day, "j. n. Y")


def days_text(n: int) -> str:
    return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}


def _months(n: int) -> str:
    return ngettext("%(n)d month", "%(n)d months", n) % {"n": n}


def _years(n: int) -> str:
    return ngettext("%(n)d year", "%(n)d years", n) % {"n": n}


def _list(names: Iterable[str]) -> str:
    return ", ".join(names) or _("none")


def _weekdays(days: Iterable[Any]) -> str:
    return ", ".join(str(WEEKDAYS[int(d) - 1]) for d in days if str(d).isdigit())


def _month_day(text: str) -> str:
    try:
        month, day = (int(p) for p in text.split("-"))
        return formats.date_format(date(2024, month, day), "MONTH_DAY_FORMAT")
    except ValueError:
        return text


def _method_of(key: str, data: Mapping[str, Any]) -> tuple[str, int]:
    profile = data.get("profiles", {}).get(key.split(".")[1], {})
    fines = profile.get("fines", {})
    return fines.get("method", "daily"), fines.get("period_days", 0)


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def unlimited() -> str:
    return _("unlimited")


def value_text(key: str, value: Any, data: Mapping[str, Any]) -> str:
    """A value as the rules write it, in the page's language: "28 dni", "0,20 € na dan"."""
    how = kind(key)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return yes_no(value)
    if how in ("days", "step_days") and isinstance(value, int):
        return days_text(value)
    if how == "open_days" and isinstance(value, int):
        if data.get("holds", {}).get("pickup_days_kind") == "working_days":
            return ngettext("%(n)d working day", "%(n)d working days", value) % {"n": value}
        return ngettext("%(n)d open day", "%(n)d open days", value) % {"n": value}
    if how == "days_before" and isinstance(value, int):
        return ngettext("%(n)d day before", "%(n)d days before", value) % {"n": value}
    if how == "months" and isinstance(value, int):
        return _months(value)
    if how == "months_old" and isinstance(value, int):
        return ngettext("%(n)d month old", "%(n)d months old", value) % {"n": value}
    if how == "age" and isinstance(value, int):
        return _years(value)
    if how == "renewals":
        if value == "unlimited":
            return unlimited()
        return ngettext("%(n)d time", "%(n)d times", value) % {"n": value}
    if how == "level" and value == 0:
        return _("never: the fine runs until the item is returned")
    if how == "level" and isinstance(value, int):
        return _("notice %(level)s") % {"level": value}
    if how in ("money", "price", "rate"):
        amount = money(Decimal(str(value)))
        if how == "rate":
            method, period = _method_of(key, data)
            if method == "period":
                return ngettext(
                    "%(amount)s per started period of %(n)d day",
                    "%(amount)s per started period of %(n)d days",
                    period,
                ) % {"amount": amount, "n": period}
            return _("%(amount)s per day") % {"amount": amount}
        if how == "price":
            unit = _entry(
                _entry(data.get("prices", []), key.split(".")[1]).get("items", []),
                key.split(".")[3],
            ).get("unit", "item")
            if unit in PER_UNIT:
                return str(PER_UNIT[unit]) % {"amount": amount}
        return amount
    if how == "multiplier":
        number = formats.number_format(Decimal(str(value)), use_l10n=True)
        return _("%(times)s × the purchase price") % {"times": number}
    if how == "enum":
        return str(ENUMS.get(key.split(".")[-1], {}).get(value, value))
    if how == "profile":
        return profile_label(value)
    if how == "ladder":
        return capfirst(ladder_name(value))
    if how == "unit":
        return str(UNIT_NAMES.get(value, value))
    if how == "group":
        return group_name(value)
    if how == "season":
        return season_label(str(value))
    if how == "materials" and isinstance(value, list):
        return _list(material_name(m) for m in value)
    if how == "categories" and isinstance(value, list):
        return _list(category_name(c) for c in value)
    if how == "channels" and isinstance(value, list):
        return _list(str(CHANNELS.get(c, c)) for c in value)
    if how == "entities" and isinstance(value, list):
        return _list(str(LEGAL_ENTITIES.get(e, e)) for e in value)
    if how == "groups" and isinstance(value, list):
        return _list(group_name(g) for g in value)
    if how == "weekdays" and isinstance(value, list):
        return _weekdays(value)
    if how == "month_day" and isinstance(value, str):
        return _month_day(value)
    if how == "date":
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
        return day_text(day)
    if isinstance(value, list):
        return _list(str(v) for v in value)
    return str(value)


def form_text(key: str, value: Any) -> str:
    """A value as the change form shows it to be typed again: "0,20", "28", "unlimited"."""
    how = kind(key)
    if isinstance(value, bool):
        return "true" if value else "false"
    if how in ("money", "price", "rate") and isinstance(value, str):
        return formats.number_format(Decimal(value), 2, use_l10n=True)
    if how == "renewals" and value == "unlimited":
        return unlimited()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def choices_of(key: str, value: Any, data: Mapping[str, Any]) -> list[tuple[str, str]] | None:
    """The values a key can take, labelled, when they are a short fixed list."""
    how = kind(key)
    if isinstance(value, bool):
        return [("true", _("yes")), ("false", _("no"))]
    if how == "enum":
        options = ENUMS.get(key.split(".")[-1])
        return [(k, capfirst(str(v))) for k, v in options.items()] if options else None
    if how == "ladder":
        return [(name, capfirst(ladder_name(name))) for name in data.get("ladders", {})]
    return None


# --- the page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    key: str
    text: str
    assumed: bool = False
    editable: bool = False
    inherited: bool = False  # the default's value, shown for a material without its own
    name: str = ""  # the full label, for the edit link read out by a screen reader


@dataclass(frozen=True)
class Fact:
    label: str
    value: Value


@dataclass
class Block:
    """A part of a section: facts (label: value) and/or a table (a row per material, ...)."""

    title: str = ""
    note: str = ""
    facts: list[Fact] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[str, list[Value | None]]] = field(default_factory=list)


@dataclass
class Section:
    slug: str
    title: str
    blocks: list[Block]
    note: str = ""


class _Page:
    """Builds the sections from a policy, and remembers which keys it has shown."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.data = policy.data
        self.values = dict(flat_values(policy.data))
        self.shown: set[str] = set()

    def has(self, key: str) -> bool:
        return key in self.values

    def value(self, key: str, *, inherited_from: str | None = None) -> Value | None:
        source = inherited_from or key
        if source not in self.values:
            return None
        self.shown.add(source)
        raw = self.values[source]
        return Value(
            key=source,
            text=value_text(source, raw, self.data),
            assumed=self.policy.is_assumed(source),
            editable=inherited_from is None and not policy_value_refusal(source, raw),
            inherited=inherited_from is not None,
            name=label(source, self.data) or source,
        )

    def fact(self, key: str, name: str | None = None) -> Fact | None:
        value = self.value(key)
        if value is None:
            return None
        return Fact(name or capfirst(what(key) or key), value)

    def facts(self, *keys: str) -> list[Fact]:
        return [f for f in (self.fact(k) for k in keys) if f]

    def by_material(self, prefix: str, materials: list[str]) -> list[Value | None]:
        """The value of each material under `prefix`, the default's where it has none."""
        out = []
        for m in materials:
            own = f"{prefix}.{m}"
            out.append(self.value(own) if self.has(own) else self.value(own,
                       inherited_from=f"{prefix}.default"))  # fmt: skip
        return out

    # -- sections --

    def loans(self, branches: Mapping[str, list[str]]) -> Section:
        blocks = []
        for name, profile in self.data.get("profiles", {}).items():
            base = f"profiles.{name}"
            materials = ["default"] + [
                m
                for m in dict.fromkeys(
                    [
                        *profile.get("loan_days", {}),
                        *profile.get("renewal_days", {}),
                        *profile.get("ladders", {}),
                        *profile.get("not_for_loan", []),
                        *profile.get("not_renewable", []),
                    ]
                )
                if m != "default"
            ]
            not_for_loan = set(profile.get("not_for_loan", []))
            not_renewable = set(profile.get("not_renewable", []))
            rows: list[tuple[str, list[Value | None]]] = []
            loans = self.by_material(f"{base}.loan_days", materials)
            renewals = self.by_material(f"{base}.renewal_days", materials)
            ladders = self.by_material(f"{base}.ladders", materials)
            for n, m in enumerate(materials):
                cells = [loans[n], renewals[n], ladders[n]]
                if m in not_for_loan:
                    cells = [Value(f"{base}.not_for_loan", _("not for loan")), None, None]
                elif m in not_renewable:
                    cells[1] = Value(f"{base}.not_renewable", _("cannot be renewed"))
                rows.append((capfirst(material_name(m)), cells))
            self.shown |= {f"{base}.not_for_loan", f"{base}.not_renewable"}
            in_use = branches.get(name)
            blocks.append(
                Block(
                    title=capfirst(profile_label(name)),
                    note=_("Branches: %(names)s") % {"names": ", ".join(in_use)}
                    if in_use
                    else _("No branch uses these rules."),
                    facts=self.facts(
                        f"{base}.max_renewals", f"{base}.not_for_loan", f"{base}.not_renewable"
                    ),
                    columns=[_("Material"), _("Loan period"), _("Renewal"), _("Notices")],
                    rows=rows,
                )
            )
        only_on = self.data.get("circulation", {}).get("borrow_only_on", {})
        facts = self.facts("circulation.max_loans", "circulation.offline_max_loans",
                           "circulation.overdue_renewal_channels",
                           *(f"circulation.borrow_only_on.{c}" for c in only_on))  # fmt: skip
        if facts:
            blocks.append(Block(title=_("For every loan"), facts=facts))
        return Section("loans", _("Loans and renewals"), blocks)

    def fines(self) -> Section:
        blocks = []
        for name, profile in self.data.get("profiles", {}).items():
            base = f"profiles.{name}.fines"
            rates = profile.get("fines", {}).get("rates", {})
            materials = ["default"] + [m for m in rates if m != "default"]
            values = self.by_material(f"{base}.rates", materials)
            blocks.append(
                Block(
                    title=capfirst(profile_label(name)),
                    facts=self.facts(f"{base}.method", f"{base}.chargeable",
                                     f"{base}.tolerance_days", f"{base}.period_days",
                                     f"{base}.stop_at_level"),  # fmt: skip
                    columns=[_("Material"), _("Fine")],
                    rows=[(capfirst(material_name(m)), [v]) for m, v in zip(materials, values,
                                                                            strict=True)],
                )
            )  # fmt: skip
        facts = self.facts("circulation.fine_exempt_categories")
        if facts:
            blocks.append(Block(facts=facts))
        return Section("fines", _("Fines"), blocks)

    def notices(self) -> Section:
        blocks = []
        uses = self._ladder_uses()
        for name, ladder in self.data.get("ladders", {}).items():
            base = f"ladders.{name}"
            anchor = ladder.get("anchor", "previous")
            rows: list[tuple[str, list[Value | None]]] = []
            overdue = 0
            for n, step in enumerate(ladder.get("steps", [])):
                key = f"{base}.steps.{n}"
                days = self.value(f"{key}.days")
                self.shown |= {f"{key}.level", f"{key}.collection"}
                if days is not None:
                    overdue = step["days"] if anchor == "due" else overdue + step["days"]
                    when = _("day %(n)d after the due date") % {"n": overdue}
                    days = Value(days.key, f"{days.text} · {when}", days.assumed, days.editable,
                                 name=days.name)  # fmt: skip
                registered = self.value(f"{key}.registered_mail")
                if registered is None:
                    registered = Value(f"{key}.registered_mail", _("no"))
                rows.append((capfirst(_step_name(self.data, name, str(n))),
                             [days, self.value(f"{key}.fee"), registered]))  # fmt: skip
            blocks.append(
                Block(
                    title=capfirst(ladder_name(name)),
                    note=_("Used for: %(uses)s") % {"uses": "; ".join(uses.get(name, []))}
                    if uses.get(name)
                    else "",
                    facts=self.facts(f"{base}.anchor"),
                    columns=[_("Notice"), _("Sent after"), _("Fee"), _("Registered mail")],
                    rows=rows,
                )
            )
        facts = self.facts("messages.reminder_days", "collection.fee")
        if facts:
            blocks.append(Block(title=_("Reminders and collection"), facts=facts))
        return Section("notices", _("Notices"), blocks)

    def _ladder_uses(self) -> dict[str, list[str]]:
        uses: dict[str, list[str]] = {}
        for name, profile in self.data.get("profiles", {}).items():
            by_ladder: dict[str, list[str]] = {}
            for material, ladder in profile.get("ladders", {}).items():
                by_ladder.setdefault(ladder, []).append(material_name(material))
            if list(by_ladder) == [profile.get("ladders", {}).get("default")]:
                by_ladder = {ladder: [_("all material")] for ladder in by_ladder}
            for ladder, materials in by_ladder.items():
                uses.setdefault(ladder, []).append(f"{profile_label(name)}: {', '.join(materials)}")
        return uses

    def simple(self, slug: str, title: str, keys: list[str], note: str = "") -> Section:
        return Section(slug, title, [Block(facts=self.facts(*keys))], note)

    def lost(self) -> Section:
        section = self.simple("lost", _("Lost and damaged material"),
                              ["lost.processing_fee", "lost.without_processing"])  # fmt: skip
        multipliers = self.data.get("lost", {}).get("price_multiplier", {})
        if multipliers:
            section.blocks.append(
                Block(
                    columns=[_("Material"), _("A lost item costs")],
                    rows=[(capfirst(material_name(m)),
                           [self.value(f"lost.price_multiplier.{m}")]) for m in multipliers],
                )
            )  # fmt: skip
        return section

    def membership(self) -> Section:
        fees = self.data.get("membership", {}).get("fees", {})
        order = ["default"] + [c for c in fees if c != "default"]
        block = Block(
            facts=self.facts(
                "membership.period_months",
                "membership.free_under_age",
                "membership.evidence",
                "membership.certificate_months",
                "membership.renew_before_days",
                "messages.membership_expiring_days",
                "membership.online_registration",
                "membership.online_registration_requires_payment",
                "membership.free_categories_register_in_person",
                "membership.free_legal_entities",
                "circulation.guardian_age",
            ),  # fmt: skip
        )
        fee_block = Block(
            title=_("Membership fees"),
            columns=[_("Category"), _("Membership fee")],
            rows=[
                (capfirst(category_name(c)), [self.value(f"membership.fees.{c}")])
                for c in order
                if c in fees
            ],
        )
        return Section("membership", _("Membership"), [block, fee_block])

    def cards(self) -> Section:
        cards = self.data.get("cards", {})
        reasons = [r for r in cards if isinstance(cards[r], Mapping) and r in CARD_REASON_LABELS]
        # A category's own prices (Tolmin: the mobile library's adults pay for the first card).
        own = [(c, r) for c in cards if c not in CARD_REASON_LABELS
               and isinstance(cards[c], Mapping) for r in cards[c]]  # fmt: skip
        blocks = [Block(facts=self.facts("cards.prefix", "cards.child_under_age"))]
        if reasons or own:
            rows = [(capfirst(str(CARD_REASON_LABELS.get(r, r))),
                     [self.value(f"cards.{r}.child"), self.value(f"cards.{r}.adult")])
                    for r in reasons]  # fmt: skip
            rows += [(_("%(what)s (%(details)s)") % {
                        "what": capfirst(str(CARD_REASON_LABELS.get(r, r))),
                        "details": category_name(c)},
                      [self.value(f"cards.{c}.{r}.child"), self.value(f"cards.{c}.{r}.adult")])
                     for c, r in own]  # fmt: skip
            blocks.append(
                Block(
                    title=_("Card prices"),
                    columns=[_("Card"), _("Child"), _("Adult")],
                    rows=rows,
                )
            )
        note = _("A reason the price list does not name costs as the closest one.")
        return Section("cards", _("Membership cards"), blocks, note)

    def prices(self) -> Section:
        blocks = []
        for n, group in enumerate(self.data.get("prices", [])):
            name = entry_name(group, n)
            self.shown.add(f"prices.{name}.group")
            rows: list[tuple[str, list[Value | None]]] = []
            for m, item in enumerate(group.get("items", [])):
                key = f"prices.{name}.items.{m}"
                self.shown |= {f"{key}.code", f"{key}.name", f"{key}.unit"}
                rows.append((str(item.get("name", "")), [self.value(f"{key}.amount")]))
            blocks.append(Block(title=group_name(name), columns=[_("Service"), _("Price")],
                                rows=rows))  # fmt: skip
        return Section("prices", _("Price list"), blocks)

    def vat(self) -> Section:
        vat = self.data.get("vat", {})
        classes = [c for c in VAT_CLASSES if c in vat]
        facts = self.facts("vat.payer", "vat.note", *(f"vat.{c}" for c in classes))
        if classes:
            today = timezone.localdate()
            rates = ", ".join(f"{formats.number_format(vat_rate(c, today), use_l10n=True)} %"
                              for c in ("general", "reduced"))  # fmt: skip
            facts.append(Fact(_("rates of the law in force today (general, reduced)"),
                              Value(key="", text=rates)))  # fmt: skip
        return Section("vat", _("VAT"), [Block(facts=facts)])

    def payment(self) -> Section:
        keys = [k for k in self.values if k.startswith("payment.")]
        return self.simple("payment", _("Payment by bank transfer"), keys)

    def general(self) -> Section:
        self.shown.add("id")  # the library's code: in the addresses of Bukve, not a rule
        return self.simple("general", _("The library"), ["name", "valid_from"])

    def rest(self) -> Section | None:
        """Values no section above shows (a key added to a preset later): by label or key."""
        rows = [
            Fact(label(key, self.data) or key, value)
            for key in self.values
            if key not in self.shown and not key.startswith("branches.")
            for value in [self.value(key)]
            if value
        ]
        return Section("other", _("Other values"), [Block(facts=rows)]) if rows else None


def sections(policy: Policy, library: Library) -> list[Section]:
    """The policy's values, grouped as the library's rules are; empty groups are left out.
    A value no group shows (a key added to a preset later) is listed under "Other values"."""
    page = _Page(policy)
    branches: dict[str, list[str]] = {}
    for branch in library.branches.order_by("id"):
        branches.setdefault(branch.profile, []).append(branch.name)
    built = [
        page.loans(branches),
        page.fines(),
        page.notices(),
        page.simple(
            "holds",
            _("Reservations"),
            [
                "holds.pickup_open_days",
                "holds.pickup_days_kind",
                "holds.not_collected_fee",
                "holds.locker_days",
                "holds.locker_not_collected_fee",
            ],
        ),
        page.lost(),
        page.simple(
            "debts",
            _("Debts and blocks"),
            [
                "circulation.debt_blocks",
                "circulation.debt_age_months",
                "circulation.return_noticed_items_before_paying",
            ],
        ),
        page.membership(),
        page.cards(),
        page.prices(),
        page.vat(),
        page.payment(),
        page.general(),
    ]
    rest = page.rest()
    if rest:
        built.append(rest)
    return [s for s in built if any(b.facts or b.rows for b in s.blocks)]


# --- branches, as the database keeps them -------------------------------------------------


@dataclass(frozen=True)
class BranchRow:
    branch: Branch
    rules: str
    open_on: str
    assumed: bool


def branch_rows(policy: Policy | None, library: Library) -> list[BranchRow]:
    return [
        BranchRow(
            branch=b,
            rules=capfirst(profile_label(b.profile)),
            open_on=_weekdays(b.weekdays),
            assumed=bool(policy and policy.is_assumed(f"branches.{b.code}.weekdays")),
        )
        for b in library.branches.order_by("id")
    ]


# --- versions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass
class VersionRow:
    version: PolicyVersion
    in_force: bool
    by: str
    changes: list[Change]
    confirmed: list[str]
    preset: bool
    more: int = 0


MAX_CHANGES = 12


def _data(version: PolicyVersion) -> dict[str, Any]:
    return dict(version.data)


def _assumed(data: Mapping[str, Any], key: str) -> bool:
    return any(assumed_covers(a, key) for a in data.get("assumed", []))


def who(version: PolicyVersion) -> str:
    user = version.saved_by
    if user is None:
        return ""
    return user.get_full_name() or user.username


def history(versions: QuerySet[PolicyVersion], in_force: date | None) -> list[VersionRow]:
    """Every version, newest first, with what it changed against the one before it."""
    ordered = list(versions.select_related("saved_by").order_by("valid_from"))
    rows = []
    previous: dict[str, Any] | None = None
    for version in ordered:
        data = _data(version)
        changes: list[Change] = []
        confirmed: list[str] = []
        if previous is not None:
            old, new = dict(flat_values(previous)), dict(flat_values(data))
            for key in dict.fromkeys([*old, *new]):
                if key == "valid_from" or old.get(key) == new.get(key):
                    continue
                name = label(key, data if key in new else previous) or key
                before = value_text(key, old[key], previous) if key in old else "—"
                after = value_text(key, new[key], data) if key in new else "—"
                changes.append(Change(name, before, after))
            for key in new:
                if key in old and _assumed(previous, key) and not _assumed(data, key):
                    confirmed.append(label(key, data) or key)
        rows.append(
            VersionRow(
                version=version,
                in_force=version.valid_from == in_force,
                by=who(version),
                changes=changes[:MAX_CHANGES],
                more=max(0, len(changes) - MAX_CHANGES),
                confirmed=[c for c in confirmed if c not in {ch.label for ch in changes}],
                preset=previous is None or not version.change,
            )
        )
        previous = data
    return rows[::-1]


UNLIMITED_WORDS = re.compile(r"^\s*(unlimited|brez omejitve|neomejeno)\s*$", re.I)


def section_of(key: str) -> str:
    """The slug of the section of the page that shows `key`."""
    parts = key.split(".")
    if parts[0] == "profiles":
        return "fines" if "fines" in parts else "loans"
    if key in ("messages.reminder_days", "collection.fee") or parts[0] == "ladders":
        return "notices"
    if key == "circulation.fine_exempt_categories":
        return "fines"
    if key in ("circulation.debt_blocks", "circulation.debt_age_months",
               "circulation.return_noticed_items_before_paying"):  # fmt: skip
        return "debts"
    if key in ("circulation.guardian_age", "messages.membership_expiring_days"):
        return "membership"
    if parts[0] == "circulation":
        return "loans"
    if parts[0] in ("id", "name", "valid_from"):
        return "general"
    simple = {
        "holds": "holds",
        "lost": "lost",
        "membership": "membership",
        "cards": "cards",
        "prices": "prices",
        "vat": "vat",
        "payment": "payment",
        "branches": "branches",
    }
    return simple.get(parts[0], "other")


# How a value of each kind is typed in the change form.
HELP = {
    "money": L("An amount in euros, e.g. 0,20."),
    "price": L("An amount in euros, e.g. 0,20."),
    "rate": L("An amount in euros, e.g. 0,20."),
    "days": L("A number of days."),
    "step_days": L("A number of days."),
    "open_days": L("A number of days."),
    "days_before": L("A number of days."),
    "months": L("A number of months."),
    "months_old": L("A number of months."),
    "age": L("An age in years."),
    "count": L("A whole number."),
    "level": L("The number of a notice, e.g. 3."),
    "renewals": L("A number, or “unlimited”."),
}
