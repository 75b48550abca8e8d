"""One-time codes for opening a questionnaire in a new browser. Never logged.

A code is six digits derived from a random nonce with the secret key, so the
database holds no code (a bare six-digit hash would be guessed from a dump in
a second), and the outbox can still put it in the email when it sends.
"""

from __future__ import annotations

import hmac
import secrets

from django.utils.crypto import salted_hmac

CODE_SALT = "assessments.intake-code"
CODE_MINUTES = 10
CODE_ATTEMPTS = 5


def code_nonce() -> str:
    return secrets.token_hex(16)


def code_for(nonce: str) -> str:
    """Return the six-digit code a nonce stands for."""
    digest = salted_hmac(CODE_SALT, nonce, algorithm="sha256").digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def code_matches(nonce: str, typed: str) -> bool:
    """Return whether the typed code (spaces allowed) is the nonce's code, in constant time."""
    digits = "".join(typed.split())
    return hmac.compare_digest(code_for(nonce).encode(), digits.encode("ascii", "replace"))
