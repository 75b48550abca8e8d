"""Every page of the practitioner's office, one module per part of the practice."""

from . import bookings, clients, emails, questionnaires, security

__all__ = ["bookings", "clients", "emails", "questionnaires", "security"]
