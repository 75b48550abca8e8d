"""The one page a client reaches from an email without logging in: stop follow-ups."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .links import BadToken, opt_out_token_read
from .models import Client
from .services import client_follow_ups_stop
from .visitors import limit_attempts


@never_cache
@require_http_methods(["GET", "POST"])
@limit_attempts("follow_ups_stop")
def follow_ups_stop(request, token: str):
    """Let a client stop follow-up emails from the link in one, in two clicks (no login)."""
    try:
        client = Client.objects.get(pk=opt_out_token_read(token))
    except (BadToken, Client.DoesNotExist):
        return render(request, "link_invalid.html", status=404)
    if request.method == "POST":
        client = client_follow_ups_stop(client_id=client.pk, now=timezone.now())
    return render(request, "clients/follow_ups_stop.html", {"client": client})
