"""Every page of the practitioner's office, one module per part of the practice."""

from . import accounts, audit, bookings, clients, emails, questionnaires, security

__all__ = ["accounts", "audit", "bookings", "clients", "emails", "questionnaires", "security"]
