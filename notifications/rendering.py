"""Building a message from a row: the registered kind supplies the words, this the envelope."""

from __future__ import annotations

from email.headerregistry import Address
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .kinds import Context, kind_get
from .models import OutboundEmail


def email_context(email: OutboundEmail, subject: Any, extra: Context | None = None) -> Context:
    """Return the template context: the kind's own, plus what other apps add to it.

    ``extra`` is what the kind's ``context_many`` found for this email when a
    batch was loaded; without it, that is asked for this email alone.
    """
    kind = kind_get(email.kind)
    context = {"email": email, **kind.context(email, subject)}
    for extender in kind.extenders:
        context.update(extender(email, subject))
    if extra is None and kind.context_many is not None:
        extra = kind.context_many([(email, subject)])[0]
    context.update(extra or {})
    return context


def sender(name: str) -> str:
    """Return the From header: the practice's address, under ``name`` when one is given.

    Emails to clients come from the practitioner by name ("Maya Lind
    <hello@...>"); without a name, the address is sent as configured.
    """
    if not name:
        return settings.DEFAULT_FROM_EMAIL
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return str(Address(display_name=name, addr_spec=address))


def render_email(
    email: OutboundEmail, subject: Any, extra: Context | None = None
) -> EmailMultiAlternatives:
    """Build the message: plain text, HTML and any attachments of the kind.

    The context may name ``reply_to`` (an address), ``opt_out_url`` (which
    adds a List-Unsubscribe header) and ``from_name`` (the sender's name people see).
    """
    kind = kind_get(email.kind)
    context = email_context(email, subject, extra)
    headers = {
        # Stable per row, so a resend is recognised as the same message.
        "Message-ID": f"<outbox-{email.pk}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>",
        # Lets a mail filter (or a test) tell the kinds apart without reading the text.
        "X-Scales-Kind": email.kind,
    }
    if context.get("opt_out_url"):
        headers["List-Unsubscribe"] = f"<{context['opt_out_url']}>"
    reply_to = context.get("reply_to")
    message = EmailMultiAlternatives(
        subject=kind.subject_line.format(**context),
        body=render_to_string(f"{kind.template}.txt", context),
        from_email=sender(context.get("from_name", "")),
        to=[email.to_email],
        reply_to=[reply_to] if reply_to else None,
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"{kind.template}.html", context), "text/html")
    for name, content, mime_type in kind.attachments(email, subject):
        message.attach(name, content, mime_type)
    return message
