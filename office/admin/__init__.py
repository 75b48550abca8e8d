"""Every page of the practitioner's office, one module per part of the practice."""

from . import accounts, bookings, clients, emails, questionnaires, security

__all__ = ["accounts", "bookings", "clients", "emails", "questionnaires", "security"]
