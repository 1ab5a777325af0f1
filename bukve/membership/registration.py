"""Online registration (spletni vpis), as seed 000 describes it.

The form's data wait in a Registration until the person opens the activation link sent to
their e-mail (valid for 24 hours, single use); opening it creates the member, restricted
until they sign the membership statement in person (no home loans, renewals or
interlibrary loans; the portal works at once), and a second e-mail confirms it.

A library that registers online only with the annual fee paid online (Tolmin art. 13.a,
`membership.online_registration_requires_payment`) sends the person from the activation
page to pay; the registration waits as "unpaid" (the desk sees it) and the second e-mail
goes when the payment provider confirms the payment (bukve/accounts/online.py).

A likely duplicate of an existing member (the same name and date of birth, or the same
e-mail) is not created twice: the person is told to contact the library, and the library
sees the request at the desk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from bukve.accounts.models import Charge
from bukve.folding import fold
from bukve.libraries.models import Library
from bukve.libraries.services import policy_for
from bukve.members.models import Member, Registration
from bukve.membership.services import member_create
from bukve.notices.services import message_queue
from bukve.refusals import Refused
from bukve.rules.notices import age_on

LINK_VALID = timedelta(hours=24)
_SALT = "bukve.membership.registration"
OLDEST = 120  # years: a date of birth further back is a typing mistake


@dataclass(frozen=True)
class Applicant:
    """What the registration form asks for (seed 000)."""

    first_name: str
    last_name: str
    born: date
    category: str
    address: str
    email: str
    password: str
    language: str = "sl"


def registration_submit(*, library: Library, applicant: Applicant, today: date | None = None
                        ) -> Registration:  # fmt: skip
    """Keep the form's data and send the activation link, or keep a likely duplicate for the
    library without sending anything.

    Tolmin art. 13.a: the free categories register in person only. The password must pass
    the validators (at least 8 characters, seed 000); raises ValidationError otherwise."""
    today = today or timezone.localdate()
    validate_password(applicant.password)
    if not _plausible_birth(applicant.born, today):
        raise Refused("birth_date_implausible")
    policy = policy_for(library, today)
    in_person = policy.data.get("membership", {}).get("free_categories_register_in_person")
    age = age_on(applicant.born, today)
    if in_person and policy.membership.fee(applicant.category, age) == 0:
        raise Refused("register_in_person")
    with transaction.atomic():
        duplicate = _duplicate_of(library, applicant.first_name, applicant.last_name,
                                  applicant.born, applicant.email)  # fmt: skip
        registration = Registration.objects.create(
            library=library,
            first_name=applicant.first_name.strip(),
            last_name=applicant.last_name.strip(),
            born=applicant.born,
            category=applicant.category,
            address=applicant.address.strip(),
            email=applicant.email.strip(),
            password=make_password(applicant.password),
            language=applicant.language,
            status=Registration.DUPLICATE if duplicate else Registration.PENDING,
            duplicate_of=duplicate,
        )
        if duplicate is None:
            _send_link(registration)
        return registration


def registration_link_resend(*, library: Library, email: str) -> Registration | None:
    """A new activation link for a registration still waiting (the old link stops working:
    a link is valid only for the latest sending). Nothing is said about unknown addresses."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .filter(library=library, email__iexact=email.strip(), status=Registration.PENDING)
            .order_by("-created_at")
            .first()
        )
        if registration is not None:
            _send_link(registration)
        return registration


def registration_activate(*, token: str, today: date | None = None) -> Registration:
    """Open the activation link: create the member (restricted until signed in person) and
    send the welcome e-mail with the member's data and restrictions; where the fee must be
    paid online first, the registration waits as "unpaid" and the e-mail waits for the
    payment. Opening the link again while unpaid (within its 24 hours) returns it again, to
    pay.

    Refuses a link that is malformed, older than 24 hours (`link_expired`) or used already
    (`link_used`). Locks: the registration."""
    today = today or timezone.localdate()
    pk, sent = _read(token)
    with transaction.atomic():
        registration = Registration.objects.select_for_update().filter(pk=pk).first()
        if registration is None or registration.link_sent_at is None:
            raise Refused("link_invalid")
        if registration.status not in (Registration.PENDING, Registration.UNPAID):
            raise Refused("link_used")
        if sent != registration.link_sent_at.isoformat():
            raise Refused("link_expired")  # a newer link was sent since
        if timezone.now() - registration.link_sent_at > LINK_VALID:
            raise Refused("link_expired")
        if registration.status == Registration.UNPAID:  # back to pay, unless paid meanwhile
            assert registration.member is not None  # an unpaid registration has its member
            return registration_fee_paid(member=registration.member) or registration
        duplicate = _duplicate_of(registration.library, registration.first_name,
                                  registration.last_name, registration.born,
                                  registration.email)  # fmt: skip
        if duplicate is not None:  # someone registered at the desk meanwhile
            registration.status, registration.duplicate_of = Registration.DUPLICATE, duplicate
            registration.save(update_fields=["status", "duplicate_of"])
            raise Refused("already_a_member")
        member = member_create(
            library=registration.library,
            first_name=registration.first_name,
            last_name=registration.last_name,
            born=registration.born,
            category=registration.category,
            address=registration.address,
            email=registration.email,
            language=registration.language,
            restricted=True,
            password_hash=registration.password,
            today=today,
        )
        membership = policy_for(registration.library, today).data.get("membership", {})
        must_pay = membership.get("online_registration_requires_payment")
        unpaid = must_pay and registration_fee(member) is not None
        registration.status = Registration.UNPAID if unpaid else Registration.ACTIVATED
        registration.member = member
        registration.activated_at = timezone.now()
        registration.save(update_fields=["status", "member", "activated_at"])
        if not unpaid:
            _welcome(member)
        return registration


def registration_fee(member: Member) -> Charge | None:
    """The membership fee the member still owes (the newest), to pay on the activation page."""
    return (
        Charge.objects.filter(member=member, kind="membership", open_amount__gt=0)
        .order_by("-date", "-id")
        .first()
    )


def registration_fee_paid(*, member: Member) -> Registration | None:
    """Complete a registration that waited for its fee once the fee is paid (called when a
    payment is booked, or the activation link is opened again): it is activated and the
    welcome e-mail is queued. Locks the registration (after the member, when booking)."""
    registration = (
        Registration.objects.select_for_update()
        .filter(member=member, status=Registration.UNPAID)
        .first()
    )
    if registration is None or registration_fee(member) is not None:
        return None
    registration.status = Registration.ACTIVATED
    registration.save(update_fields=["status"])
    _welcome(member)
    return registration


def _welcome(member: Member) -> None:
    message_queue(
        library=member.library, kind="welcome", channel="email", to=member.email,
        language=member.language, context={"member": member, "library": member.library},
        member=member,
    )  # fmt: skip


def registration_token(registration: Registration) -> str:
    assert registration.link_sent_at is not None
    return signing.dumps([registration.pk, registration.link_sent_at.isoformat()], salt=_SALT)


def _read(token: str) -> tuple[int, str]:
    try:
        pk, sent = signing.loads(token, salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise Refused("link_invalid") from None
    if not isinstance(pk, int) or not isinstance(sent, str):
        raise Refused("link_invalid")
    return pk, sent


def _send_link(registration: Registration) -> None:
    registration.link_sent_at = timezone.now()
    registration.save(update_fields=["link_sent_at"])
    link = settings.BUKVE_BASE_URL + reverse(
        "portal:register_activate", args=[registration_token(registration)]
    )
    message_queue(
        library=registration.library, kind="activation", channel="email",
        to=registration.email, language=registration.language,
        context={"registration": registration, "link": link, "library": registration.library,
                 "hours": int(LINK_VALID.total_seconds() // 3600)},
    )  # fmt: skip


def _duplicate_of(library: Library, first: str, last: str, born: date, email: str
                  ) -> Member | None:  # fmt: skip
    # The folded name: "ŠPELA KOŠIR" is "Špela Košir" on SQLite too (bukve.folding)
    same_person = Q(name_folded=fold(f"{first.strip()} {last.strip()}"), born=born)
    same_email = Q(email__iexact=email.strip()) if email.strip() else Q(pk=None)
    return Member.objects.filter(library=library).filter(same_person | same_email).first()


def _plausible_birth(born: date, today: date) -> bool:
    return date(1900, 1, 1) <= born <= today and today.year - born.year <= OLDEST
