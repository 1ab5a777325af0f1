"""Template filters shared by the desk and the portal: money, charges, refusals."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from bukve.accounts.models import Charge
from bukve.formatting import money
from bukve.refusals import SENTENCES

register = template.Library()


register.filter("money", money)


@register.filter
def charge_kind(charge: Charge) -> str:
    """What a charge is for, in the page's language: "overdue notice no. 2", "overdue fine"."""
    if charge.kind == "notice" and charge.level:
        return _("overdue notice no. %(level)s") % {"level": charge.level}
    return str(Charge.KINDS.get(charge.kind, charge.kind))


@register.filter
def refusal(code: str) -> str:
    """The sentence of a refusal code, in the page's language."""
    return str(SENTENCES.get(code, code))
