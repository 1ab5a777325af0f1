"""Play a scenario through the real services on the configured (throw-away) database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import translation

from bukve.accounts.models import Charge, Payment
from bukve.accounts.services import balance, has_old_debt, open_debt, payment_take
from bukve.catalog.models import Item, Record
from bukve.circulation import holds
from bukve.circulation import services as circulation
from bukve.circulation.daily import daily_run_day
from bukve.circulation.fines import fine_explain
from bukve.libraries.models import Branch
from bukve.libraries.services import closure_add, library_load, policy_for, preset_read
from bukve.members.models import Member
from bukve.notices.models import Notice
from bukve.refusals import Refused
from bukve.simulate.scenario import Scenario


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def run(scenario: Scenario, explain: bool = False) -> dict[str, Any]:
    library = library_load(policy=preset_read(scenario.library))
    # RULES.md's holds: a copy is held at once wherever it is (no transit between branches).
    library.transit = False
    library.save(update_fields=["transit"])
    branches = {b.code: b for b in Branch.objects.filter(library=library)}
    for c in scenario.closures:
        closure_add(branch=branches[c["branch"]], start=c["from"], end=c["to"],
                    reason=c.get("reason", ""))  # fmt: skip

    members: dict[str, Member] = {}
    for mid, m in scenario.members.items():
        members[mid] = Member.objects.create(
            library=library, card_number=mid, first_name=m.get("name", mid),
            category=m["category"], born=m["born"], expires=m.get("expires"),
            restricted=m.get("restricted", False),
        )  # fmt: skip
    for mid, m in scenario.members.items():
        if "guardian" in m:
            members[mid].guardian = members[str(m["guardian"])]
            members[mid].save(update_fields=["guardian"])

    items: dict[str, Item] = {}
    for iid, i in scenario.items.items():
        record, _ = Record.objects.get_or_create(
            library=library, key=str(i.get("record", iid)),
            defaults={"title": i.get("title", "")},
        )  # fmt: skip
        items[iid] = Item.objects.create(
            library=library, record=record, barcode=iid, material=i["material"],
            branch=branches[i.get("branch", scenario.branch)], parts=i.get("parts", 1),
            not_for_loan=i.get("not_for_loan", False), price=i.get("price"),
        )  # fmt: skip

    results = []
    events = list(scenario.events)
    day = events[0]["date"] if events else scenario.run_until
    while day <= scenario.run_until:
        while events and events[0]["date"] == day:
            results.append(_play(events.pop(0), members, items, branches, scenario))
        daily_run_day(library=library, day=day)
        day += timedelta(days=1)

    return _report(scenario, library, members, results, explain)


def _play(
    event: dict[str, Any],
    members: dict[str, Member],
    items: dict[str, Item],
    branches: dict[str, Branch],
    scenario: Scenario,
) -> dict[str, Any]:
    result: dict[str, Any] = {"date": event["date"].isoformat(), "do": event["do"]}
    member = members.get(str(event.get("member")))
    item = items.get(str(event.get("item")))
    for key in ("member", "item"):
        if key in event:
            result[key] = str(event[key])
    day = event["date"]
    branch = branches[event.get("branch", scenario.branch)]
    try:
        match event["do"]:
            case "checkout":
                assert member and item
                loan = circulation.loan_checkout(
                    member=member, item=item, branch=branch, today=day, due=event.get("due")
                )
                result["due"] = loan.due_date.isoformat()
            case "renew":
                assert member and item
                loan = circulation.loan_renew(
                    member=member, item=item, today=day, channel=event.get("channel", "desk")
                )
                result["due"] = loan.due_date.isoformat()
            case "return":
                assert item
                circulation.loan_checkin(item=item, today=day)
            case "lost":
                assert item
                circulation.loan_declare_lost(item=item, today=day, price=event.get("price"))
            case "pay":
                assert member
                amount = event.get("amount") or open_debt(member)
                if amount > 0:
                    payment_take(member=member, day=day, amount=amount)
            case "reserve":
                assert member and item
                pickup = branches[event["branch"]] if "branch" in event else None
                holds.reservation_place(member=member, item=item, today=day, pickup_branch=pickup)
            case "pickup":
                assert member and item
                loan = circulation.hold_pickup(member=member, item=item, today=day)
                result["due"] = loan.due_date.isoformat()
    except Refused as refusal:
        return {**result, "ok": False, "reason": refusal.code}
    return {**result, "ok": True}


def _report(
    scenario: Scenario,
    library: Any,
    members: dict[str, Member],
    results: list[dict[str, Any]],
    explain: bool,
) -> dict[str, Any]:
    ids: dict[int | None, str] = {m.pk: mid for mid, m in members.items()}
    charges = []
    for c in Charge.objects.filter(library=library).select_related(
        "item", "loan__branch", "loan__item", "loan__library"
    ):
        row: dict[str, Any] = {"member": ids[c.member_id], "date": c.date.isoformat(),
                               "kind": c.kind, "amount": _money(c.amount)}  # fmt: skip
        if c.item is not None:
            row["item"] = c.item.barcode
        if c.kind == "fine":
            row["days"] = c.units
            if explain:
                row["explain"] = _explain(c)
        if c.level is not None:
            row["level"] = c.level
        charges.append(row)
    charges.sort(key=lambda r: (r["date"], r["member"], r["kind"], r.get("item", ""),
                                r.get("level", 0)))  # fmt: skip

    notices = []
    for n in Notice.objects.filter(library=library, collection=False).prefetch_related(
        "loans__item"
    ):
        notices.append({
            "member": ids[n.member_id], "to": ids[n.addressee_id], "date": n.date.isoformat(),
            "level": n.level, "items": sorted(loan.item.barcode for loan in n.loans.all()),
            "registered_mail": n.registered_mail,
        })  # fmt: skip
    notices.sort(key=lambda r: (r["date"], r["member"], r["level"]))

    payments = [
        {"member": ids[p.member_id], "date": p.date.isoformat(), "amount": _money(p.amount)}
        for p in Payment.objects.filter(library=library).order_by("date", "id")
    ]
    end = scenario.run_until
    policy = policy_for(library, end)
    states = {}
    for mid, member in members.items():
        member.refresh_from_db()
        states[mid] = _states(member, policy, end)
    return {
        "library": scenario.library,
        "events": results,
        "charges": charges,
        "notices": notices,
        "payments": payments,
        "balances": {mid: _money(balance(m)) for mid, m in members.items()},
        "states": states,
    }


def _explain(fine: Charge) -> list[dict[str, Any]]:
    """Each day of the fine's stretch: whether it is charged, a stable code for machines
    (bukve.rules.fines.DayCode) and the reason for people, in English only (holiday names
    too), as the rest of the report."""
    with translation.override("en"):
        return [{"date": d.date.isoformat(), "charged": d.charged, "code": d.code, "why": d.why}
                for d in fine_explain(fine)]  # fmt: skip


def _states(member: Member, policy: Any, end: date) -> list[str]:
    states = []
    if member.in_collection_since is not None:
        states.append("in_collection")
    if member.restricted:
        states.append("restricted")
    if policy.debt_blocks and has_old_debt(member, end, policy.debt_age_months):
        states.append("debt_overdue")
    return states
