"""The health URL: database, cache, broker, and an outbox that is still being swept."""

import json
from datetime import timedelta

import pytest

from notifications import delivery

from ..clock import NOW

# The view runs each check in a thread of its own, with its own database
# connection, which sees only committed rows.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.time_machine(NOW, tick=False)]


def health(client) -> tuple[int, dict]:
    response = client.get("/health/", HTTP_ACCEPT="application/json")
    return response.status_code, json.loads(response.content)


def status_of(report: dict, check: str) -> str:
    [value] = [value for name, value in report.items() if name.startswith(check)]
    return value


def test_it_is_healthy_after_a_recent_sweep(client):
    delivery.outbox_sweep(enqueue=lambda email_id: None)
    status, report = health(client)
    assert status == 200
    assert set(report.values()) == {"OK"}
    assert {name.split("(")[0] for name in report} == {"Database", "Cache", "Broker", "OutboxSweep"}


def test_it_reports_an_outbox_never_swept(client):
    status, report = health(client)
    assert status == 500
    assert "never been swept" in status_of(report, "OutboxSweep")


def test_it_reports_a_sweep_older_than_five_minutes(client, time_machine):
    delivery.outbox_sweep(enqueue=lambda email_id: None)
    time_machine.shift(timedelta(minutes=5))
    assert health(client)[0] == 200
    time_machine.shift(timedelta(minutes=1, seconds=1))
    status, report = health(client)
    assert status == 500
    assert "last swept 6 minutes ago" in status_of(report, "OutboxSweep")


def test_it_reports_a_broker_that_cannot_be_reached(client, monkeypatch):
    from practice.celery import app

    delivery.outbox_sweep(enqueue=lambda email_id: None)
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    status, report = health(client)
    assert status == 500
    assert "broker cannot be reached" in status_of(report, "Broker")
