"""factory_boy factories: build test data in code, no fixture files."""

from datetime import time, timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from assessments.models import Instrument, Intake
from booking.models import AvailabilityRule, Booking, Practitioner, SessionType
from clients.models import Client


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    is_staff = True
    is_superuser = True
    password = factory.django.Password("not-a-real-password")


class PractitionerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practitioner

    user = factory.SubFactory(UserFactory)
    display_name = "Maya Lind"
    time_zone = "Europe/Amsterdam"
    meeting_url = "https://meet.example.com/maya"
    contact_email = "maya@example.com"


class SessionTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionType

    practitioner = factory.SubFactory(PractitionerFactory)
    name = "Free assessment call"
    slug = factory.Sequence(lambda n: f"assessment-call-{n}")
    kind = SessionType.Kind.ASSESSMENT
    price_label = "Free"
    duration_minutes = 20
    buffer_before_minutes = 0
    buffer_after_minutes = 10
    min_notice_minutes = 12 * 60
    horizon_days = 60
    slot_step_minutes = 30
    change_cutoff_hours = 12


class AvailabilityRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvailabilityRule

    practitioner = factory.SubFactory(PractitionerFactory)
    weekday = 0
    start_time = time(9, 0)
    end_time = time(12, 0)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n}")
    email = factory.Sequence(lambda n: f"client{n}@example.com")
    time_zone = "Europe/London"


class BookingFactory(factory.django.DjangoModelFactory):
    """A confirmed booking; pass ``start_at`` (UTC) and ``session_type``."""

    class Meta:
        model = Booking

    session_type = factory.SubFactory(SessionTypeFactory)
    practitioner = factory.SelfAttribute("session_type.practitioner")
    client = factory.SubFactory(ClientFactory)
    status = Booking.Status.CONFIRMED
    client_time_zone = "Europe/London"
    end_at = factory.LazyAttribute(
        lambda b: b.start_at + timedelta(minutes=b.session_type.duration_minutes)
    )
    blocked_start = factory.LazyAttribute(
        lambda b: b.start_at - timedelta(minutes=b.session_type.buffer_before_minutes)
    )
    blocked_end = factory.LazyAttribute(
        lambda b: b.end_at + timedelta(minutes=b.session_type.buffer_after_minutes)
    )


class IntakeFactory(factory.django.DjangoModelFactory):
    """A questionnaire of the current instrument (loaded by migrate); pass ``booking``."""

    class Meta:
        model = Intake

    client = factory.SelfAttribute("booking.client")
    instrument = factory.LazyFunction(lambda: Instrument.objects.current("power-balance"))
    role = Intake.Role.CLIENT
    consent_at = factory.LazyFunction(timezone.now)
