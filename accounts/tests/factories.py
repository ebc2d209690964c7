"""factory_boy factories for accounts."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Employer, EmployerMembership, PremiumMembership, User

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    display_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj: User, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create:
            obj.save()


class PremiumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PremiumMembership

    user = factory.SubFactory(UserFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    source = PremiumMembership.Source.STAFF


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"Employer {n}")
    domain = factory.Sequence(lambda n: f"employer{n}.example")


class EmployerMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerMembership

    employer = factory.SubFactory(EmployerFactory)
    user = factory.SubFactory(UserFactory)
    role = EmployerMembership.Role.RECRUITER
