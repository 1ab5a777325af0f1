"""How amounts are written for people, in the active language: one place for pages, PDFs,
letters and messages."""

from decimal import Decimal

from django.utils import formats
from django.utils.translation import get_language


def money(amount: Decimal | None) -> str:
    """12.5 → "12,50 €" on a Slovenian page, "€12.50" on an English one."""
    if amount is None:
        return ""
    number = formats.number_format(Decimal(amount).quantize(Decimal("0.01")), 2, use_l10n=True)
    return f"€{number}" if get_language() == "en" else f"{number} €"
