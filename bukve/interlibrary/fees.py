"""What an interlibrary loan costs, from the library's price list (cenik) valid that day.

The price list's group "ill" has the codes `ill` (per unit, Maribor point 7: 7.00; Velenje:
8.00 "for members and for libraries") and `ill_not_collected` (Velenje: "not picked up"
8.00). A price list without them (Tolmin's is not among the seeds; Ravne's rules are
Maribor's, RULES.md 5) gets the **assumed** prices below, to be confirmed by the library,
ideally as `[[prices]]` of its preset, which then win.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bukve.rules.policy import Policy, PriceItem

ILL = "ill"
NOT_COLLECTED = "ill_not_collected"

# *Assumed* prices for libraries whose price list names none, by policy id:
# - tolmin: art. 47 "the member pays per the price list even if the item is not collected";
#   the amount is Maribor's 7.00, the not-collected charge the same fee.
# - ravne: Maribor's rules (RULES.md 5): 7.00, nothing when not collected (its web price
#   list, not a seed, says 9.00 per unit from other libraries: to be confirmed).
ASSUMED_PRICES: dict[str, dict[str, Decimal]] = {
    "tolmin": {ILL: Decimal("7.00"), NOT_COLLECTED: Decimal("7.00")},
    "ravne": {ILL: Decimal("7.00")},
}
# The names of the assumed items, as a price list would name them.
NAMES = {ILL: "Medknjižnična izposoja", NOT_COLLECTED: "Neprevzeto gradivo medknjižnične izposoje"}


def ill_price(policy: Policy, code: str) -> PriceItem | None:
    """The price-list item `code` of the policy, else the assumed one, else None (nothing is
    charged: Maribor's and Ravne's rules name no charge for an item not collected)."""
    price = policy.prices.get(code)
    if price is not None:
        return price
    amount = ASSUMED_PRICES.get(policy.id, {}).get(code)
    if amount is None:
        return None
    return PriceItem(code=code, name=NAMES[code], group="ill", amount=amount, unit="unit")


def is_assumed(policy: Policy, code: str) -> bool:
    """Whether the price of `code` is an assumed one of this module, not the library's."""
    return code not in policy.prices and code in ASSUMED_PRICES.get(policy.id, {})


def charge_links(price: PriceItem, policy: Policy, day: date) -> dict[str, object]:
    """The price-list details a charge keeps, so its receipt reads the same years later."""
    return {
        "price_code": price.code,
        "unit_price": price.amount,
        "units": 1,
        "vat_rate": policy.vat.rate_of(price, day),
    }
