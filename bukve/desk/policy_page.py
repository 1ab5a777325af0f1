"""The library's rules as a librarian reads them: every policy value with a human label and
its value in the page's language, grouped the way the rules are (loans, fines, notices,
holds, lost material, debts, membership, cards, price list, VAT, bank payment).

A value is named by its dotted key (`profiles.standard.loan_days.toy`, as `flat_values` and
`assumed` name it); the key stays only the address of the edit link. `label`
(policy_labels.py) names any key of the presets; `value_text` (policy_values.py) writes a
value as the rules would ("28 dni", "0,20 € na dan"). `sections` lays out the page and
`history` (policy_versions.py) says what each version changed, when and by whom.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from bukve.desk.policy_labels import (
    CARD_REASON_LABELS,
    category_name,
    group_name,
    label,
    ladder_name,
    material_name,
    step_name,
    what,
)
from bukve.desk.policy_values import value_text, weekdays_text
from bukve.libraries.models import Branch, Library, profile_label
from bukve.libraries.selectors import library_branches
from bukve.libraries.services import policy_value_refusal
from bukve.rules.money import VAT_CLASSES, vat_rate
from bukve.rules.policy import Policy, entry_name, flat_values

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
                rows.append((capfirst(step_name(self.data, name, str(n))),
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
            rates = ", ".join(_rate_text(vat_rate(c, today)) for c in ("general", "reduced"))
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


def _rate_text(rate: Decimal | None) -> str:
    return f"{formats.number_format(rate, use_l10n=True)} %" if rate is not None else "—"


def sections(policy: Policy, library: Library) -> list[Section]:
    """The policy's values, grouped as the library's rules are; empty groups are left out.
    A value no group shows (a key added to a preset later) is listed under "Other values"."""
    page = _Page(policy)
    branches: dict[str, list[str]] = {}
    for branch in library_branches(library):
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
            open_on=weekdays_text(b.weekdays),
            assumed=bool(policy and policy.is_assumed(f"branches.{b.code}.weekdays")),
        )
        for b in library_branches(library)
    ]


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
