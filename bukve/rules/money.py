"""Pure helpers for money: when a charge counts as old, rentals per started hour, VAT."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

CENT = Decimal("0.01")


def old_debt_cutoff(today: date, months: int = 1) -> date:
    """The latest charge date that is `months` old on `today`.

    RULES.md Decision: a charge dated 15 Jan blocks from 15 Feb, i.e. once
    date + months <= today. At a month's end every later day of the earlier month counts too
    (31 Jan + 1 month is 28 Feb).
    """
    cutoff = today - relativedelta(months=months)
    if today.day == calendar.monthrange(today.year, today.month)[1]:
        last = calendar.monthrange(cutoff.year, cutoff.month)[1]
        cutoff = cutoff.replace(day=last)
    return cutoff


def older_than_months(day: date, today: date, months: int = 1) -> bool:
    """Whether something dated `day` is older than `months` on `today`, in the one sense
    RULES.md 1 gives it: from the day it is `months` old (`old_debt_cutoff`). A debt dated
    15 Jan blocks from 15 Feb, and an unemployment certificate dated 15 Jan ("not older than
    one month", Tolmin art. 17) is accepted up to 14 Feb, not on 15 Feb."""
    return day <= old_debt_cutoff(today, months)


def young_until(day: date, months: int = 1) -> date:
    """The last day on which something dated `day` is not yet older than `months`
    (`older_than_months`): 15 Jan -> 14 Feb; 31 Jan -> 27 Feb (it is old from 28 Feb)."""
    return day + relativedelta(months=months) - timedelta(days=1)


def started_hours(minutes: int) -> int:
    """Hours to charge for a rental "per started hour" (Velenje: 40.00 per started hour):
    61 minutes are two hours."""
    if minutes <= 0:
        raise ValueError("a rental lasts at least a minute")
    return -(-minutes // 60)


def sale_units(unit: str, quantity: int) -> int:
    """The units a price-list line charges: the quantity, or for a rental per started hour
    (the quantity is then in minutes) the hours begun."""
    return started_hours(quantity) if unit == "started_hour" else quantity


# Slovenia's VAT rates by class (ZDDV-1), each row from the day it took effect. A price list
# names an item's class; the rate comes from the law in force on the day of the sale
# (RULES.md 2, Maribor's VAT decision).
VAT_CLASSES = ("general", "reduced", "exempt")
VAT_RATES: tuple[tuple[date, dict[str, Decimal]], ...] = (
    (date(1999, 7, 1), {"general": Decimal("19"), "reduced": Decimal("8")}),
    (date(2002, 7, 1), {"general": Decimal("20"), "reduced": Decimal("8.5")}),
    (date(2013, 7, 1), {"general": Decimal("22"), "reduced": Decimal("9.5")}),
)


def vat_rate(vat_class: str, day: date) -> Decimal | None:
    """The VAT rate of a class on a day (None: exempt, or before VAT was introduced)."""
    if vat_class not in VAT_CLASSES:
        raise ValueError(f"not a VAT class: {vat_class!r}")
    rates = [rates for since, rates in VAT_RATES if since <= day]
    return rates[-1].get(vat_class) if rates else None


def vat_included(amount: Decimal, rate: Decimal) -> Decimal:
    """The VAT contained in a price that includes it: 15.00 at 20 % holds 2.50."""
    return (amount * rate / (100 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)


# --- amounts as people type them ---------------------------------------------------------------

MAX_AMOUNT = Decimal("99999.99")  # the largest sum taken or charged at once
_AMOUNT = re.compile(r"(?P<sign>[-+]?)(?P<whole>[0-9]*)(?:[.,](?P<cents>[0-9]*))?", re.ASCII)


class AmountError(ValueError):
    """Text that is not an amount; `code` says why (AMOUNT_ERRORS)."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(f"{code}: {text!r}")
        self.code = code
        self.text = text


# Why text is not an amount, for machines (the API's and the CLI's reason codes).
AMOUNT_ERRORS = ("amount_invalid", "amount_precision", "amount_negative", "amount_too_large")


def parse_amount(text: str, *, signed: bool = False, maximum: Decimal = MAX_AMOUNT) -> Decimal:
    """An amount in euros as a person types it: "1,50", "1.50", "12", ",50", "3 €".

    One parser for every amount Bukve reads (desk, portal, policy, API, CLI, bank files):
    ASCII digits only, the decimal comma or the point, at most two decimals, no exponent,
    no thousands separators; a sign only where `signed` allows it ("-5,00" for a bank
    debit), and at most `maximum` either way. Raises AmountError with the reason's code.
    """
    cleaned = text.strip().removesuffix("€").removesuffix("EUR").strip()
    match = _AMOUNT.fullmatch(cleaned)
    if not match or not (match["whole"] or match["cents"]):
        raise AmountError("amount_invalid", text)
    if match["cents"] is not None and not match["cents"]:
        raise AmountError("amount_invalid", text)  # "1," or "1."
    if match["cents"] and len(match["cents"]) > 2:
        raise AmountError("amount_precision", text)
    if match["sign"] and not signed:
        raise AmountError("amount_negative" if match["sign"] == "-" else "amount_invalid", text)
    if len(match["whole"]) > 12:
        raise AmountError("amount_too_large", text)
    amount = Decimal(f"{match['sign']}{match['whole'] or 0}.{match['cents'] or 0}")
    if abs(amount) > maximum:
        raise AmountError("amount_too_large", text)
    return amount.quantize(CENT)
