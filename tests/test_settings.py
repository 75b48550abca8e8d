"""Production settings are safe, and misconfiguration fails loudly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3#Vb9_pQz!w2Lm8@rT6^yN1&cF5*hJ0-sD4+gX7=eA2~uI9%oP3",
    "ALLOWED_HOSTS": "book.example.com",
    "SITE_URL": "https://book.example.com",
    "DEFAULT_FROM_EMAIL": "Maya van Dijk <hello@mayavandijk.nl>",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_passes_the_deploy_check_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_it_refuses_to_start_in_production_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_refuses_a_short_secret_key_in_production():
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "SECRET_KEY must be a long random value" in result.stderr


def test_it_refuses_to_start_in_production_without_site_url():
    env = {k: v for k, v in PRODUCTION.items() if k != "SITE_URL"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "Set SITE_URL to the public address of the booking pages" in result.stderr


@pytest.mark.parametrize("site_url", ["http://localhost:8000", "https://127.0.0.1", "book.nl"])
def test_it_refuses_to_start_in_production_with_a_site_url_that_is_not_public(site_url):
    result = manage("check", **{**PRODUCTION, "SITE_URL": site_url})
    assert result.returncode != 0
    assert f"SITE_URL is {site_url!r}" in result.stderr


def test_it_refuses_to_start_in_production_without_a_sender_address():
    env = {k: v for k, v in PRODUCTION.items() if k != "DEFAULT_FROM_EMAIL"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "Set DEFAULT_FROM_EMAIL to the practice's own sender address" in result.stderr


def test_it_refuses_to_start_in_production_with_a_localhost_sender():
    result = manage("check", **{**PRODUCTION, "DEFAULT_FROM_EMAIL": "Scales <hello@localhost>"})
    assert result.returncode != 0
    assert "DEFAULT_FROM_EMAIL is 'Scales <hello@localhost>'" in result.stderr


def test_it_refuses_to_start_in_production_with_an_example_sender():
    result = manage("check", **{**PRODUCTION, "DEFAULT_FROM_EMAIL": "hello@example.com"})
    assert result.returncode != 0
    assert "DEFAULT_FROM_EMAIL is 'hello@example.com', whose domain is reserved" in result.stderr


def test_it_keeps_local_addresses_in_development():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SITE_URL, settings.DEFAULT_FROM_EMAIL)",
        DEBUG="true",
        SITE_URL="http://localhost:8000/",
        DEFAULT_FROM_EMAIL="Scales <hello@localhost>",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "http://localhost:8000 Scales <hello@localhost>"


def test_it_sends_through_an_api_provider_when_configured():
    result = manage(
        "shell",
        "-c",
        "from django.core.mail import get_connection; from django.conf import settings; "
        "print(type(get_connection()).__module__, settings.ANYMAIL['POSTMARK_SERVER_TOKEN'])",
        **PRODUCTION,
        EMAIL_BACKEND="anymail.backends.postmark.EmailBackend",
        ANYMAIL_SETTINGS='{"POSTMARK_SERVER_TOKEN": "token-123"}',
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["anymail.backends.postmark", "token-123"]


def test_it_defaults_to_smtp_in_production():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.EMAIL_BACKEND)",
        **PRODUCTION,
    )
    assert result.stdout.strip().endswith("django.core.mail.backends.smtp.EmailBackend")
