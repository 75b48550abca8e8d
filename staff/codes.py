"""How recovery codes are shown and typed: pure, no Django."""


def recovery_code_normalize(typed: str) -> str:
    """Return a typed code as stored: without spaces or dashes, in lower case.

    Codes are shown as ``abcd-efgh``; people type them with or without the dash,
    sometimes in capitals, and authenticator codes as ``123 456``.
    """
    return "".join(typed.split()).replace("-", "").lower()


def recovery_code_display(code: str) -> str:
    """Return a stored code in two halves, easier to copy by hand: ``abcd-efgh``."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}" if len(code) >= 8 else code
