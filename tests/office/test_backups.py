"""Encrypted backups: only the right key opens them, and a restore gives a running practice.

The tests on a SQLite file of their own run on every database; the command round
trips back up the test database itself, restore it into a new, empty database and
run ``manage.py`` on the result, once on SQLite and once on PostgreSQL
(``DATABASE_URL=postgres://...``).
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path

import psycopg
import pyrage
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg import sql

from office import backups
from office.backups import BackupError, backup_create, backup_restore, backups_prune

from ..clock import NOW
from ..factories import ClientFactory

# A name that appears nowhere else, so finding it in a file means the data is readable there.
MARKER = "Ingrid Oyelaran-Marchetti"


@pytest.fixture
def key() -> pyrage.x25519.Identity:
    return pyrage.x25519.Identity.generate()


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """Send the module's temporary files to a folder the test can look into."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def source(tmp_path) -> dict:
    """A SQLite database of its own holding the marker, as a Django database dict."""
    path = tmp_path / "source.sqlite3"
    with sqlite3.connect(path) as database:
        database.execute("CREATE TABLE clients_client (id INTEGER PRIMARY KEY, name TEXT)")
        database.executemany(
            "INSERT INTO clients_client (name) VALUES (?)", [(MARKER,), ("Ada Okafor",)]
        )
    database.close()
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}


def sqlite_database(path: Path) -> dict:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}


def client_names(path: Path) -> list[str]:
    with sqlite3.connect(path) as database:
        rows = database.execute("SELECT name FROM clients_client ORDER BY id").fetchall()
    database.close()
    return [name for (name,) in rows]


def backup_of(source: dict, key, folder: Path) -> Path:
    return backup_create(recipients=[str(key.to_public())], folder=folder, now=NOW, database=source)


# --- The functions, on a SQLite file of their own ------------------------------------------


def test_it_restores_a_backup_into_a_new_file(tmp_path, source, key):
    backup = backup_of(source, key, tmp_path / "backups")

    target = tmp_path / "restored" / "scales.sqlite3"
    backup_restore(path=backup, identity=str(key), database=sqlite_database(target))

    assert client_names(target) == [MARKER, "Ada Okafor"]
    assert target.stat().st_mode & 0o777 == 0o600


def test_it_names_the_backup_by_the_utc_moment_and_lets_only_its_owner_read_it(
    tmp_path, source, key
):
    folder = tmp_path / "backups"
    backup = backup_of(source, key, folder)

    assert backup == folder / "scales-20260302T080000Z.sqlite3.age"
    assert backup.stat().st_mode & 0o777 == 0o600
    assert backup.read_bytes().startswith(b"age-encryption.org/v1")


def test_it_leaves_no_plain_copy_in_the_folder_or_in_temporary_files(
    tmp_path, source, key, private_tmp
):
    folder = tmp_path / "backups"
    backup = backup_of(source, key, folder)
    backup_restore(
        path=backup, identity=str(key), database=sqlite_database(tmp_path / "restored.sqlite3")
    )

    assert list(folder.iterdir()) == [backup]
    assert list(private_tmp.iterdir()) == []


def test_it_does_not_hold_the_data_in_plain_bytes(tmp_path, source, key):
    backup = backup_of(source, key, tmp_path / "backups")

    assert MARKER.encode() in Path(source["NAME"]).read_bytes()  # the marker is findable
    assert MARKER.encode() not in backup.read_bytes()
    assert MARKER.encode() in pyrage.decrypt(backup.read_bytes(), [key])


def test_it_refuses_a_key_that_cannot_open_the_backup(tmp_path, source, key, private_tmp):
    backup = backup_of(source, key, tmp_path / "backups")
    target = tmp_path / "restored.sqlite3"

    with pytest.raises(BackupError, match="This key cannot open the backup") as refused:
        backup_restore(
            path=backup,
            identity=str(pyrage.x25519.Identity.generate()),
            database=sqlite_database(target),
        )

    assert refused.value.code == "wrong_key"
    assert not target.exists()
    assert list(private_tmp.iterdir()) == []


def test_it_refuses_to_restore_over_a_database_that_has_data(tmp_path, source, key):
    backup = backup_of(source, key, tmp_path / "backups")

    with pytest.raises(BackupError, match="already exists and is not empty"):
        backup_restore(path=backup, identity=str(key), database=source)

    assert client_names(Path(source["NAME"])) == [MARKER, "Ada Okafor"]


def test_it_refuses_a_postgresql_backup_for_a_sqlite_database(tmp_path, key):
    backup = tmp_path / "scales-20260302T080000Z.pgdump.age"
    backup.write_bytes(pyrage.encrypt(b"PGDMP and the rest", [key.to_public()]))

    with pytest.raises(BackupError, match="is not a SQLite backup"):
        backup_restore(
            path=backup, identity=str(key), database=sqlite_database(tmp_path / "new.sqlite3")
        )

    assert not (tmp_path / "new.sqlite3").exists()


def test_it_refuses_to_back_up_without_a_valid_public_key(tmp_path, source):
    for recipients, message in [([], "No public key"), (["age1nonsense"], "not an age public key")]:
        with pytest.raises(BackupError, match=message):
            backup_create(recipients=recipients, folder=tmp_path, now=NOW, database=source)

    assert list(tmp_path.glob("*.age")) == []


def test_it_removes_the_unfinished_file_when_encryption_fails(
    tmp_path, source, key, private_tmp, monkeypatch
):
    def broken(*args, **kwargs):
        raise pyrage.EncryptError("disk on fire")

    monkeypatch.setattr(backups.pyrage, "encrypt", broken)
    folder = tmp_path / "backups"

    with pytest.raises(pyrage.EncryptError):
        backup_of(source, key, folder)

    assert list(folder.iterdir()) == []
    assert list(private_tmp.iterdir()) == []


def test_it_prunes_only_backups_older_than_keep_days(tmp_path):
    def made(moment: datetime, kind: str = "pgdump") -> Path:
        path = tmp_path / f"scales-{moment:%Y%m%dT%H%M%SZ}.{kind}.age"
        path.write_bytes(b"age-encryption.org/v1")
        return path

    old = made(NOW - timedelta(days=35, seconds=1))
    older = made(NOW - timedelta(days=90), "sqlite3")
    kept = [made(NOW - timedelta(days=35)), made(NOW - timedelta(days=1)), made(NOW)]
    unrelated = tmp_path / "notes.age"
    unrelated.write_bytes(b"not ours")

    removed = backups_prune(folder=tmp_path, keep_days=35, now=NOW)

    assert sorted(removed) == sorted([old, older])
    assert sorted(tmp_path.iterdir()) == sorted([*kept, unrelated])


def test_it_refuses_to_prune_with_fewer_than_one_day(tmp_path):
    with pytest.raises(BackupError, match="at least 1"):
        backups_prune(folder=tmp_path, keep_days=0, now=NOW)


# --- The commands -------------------------------------------------------------------------


def test_it_writes_a_new_key_file_for_its_owner_only_and_never_overwrites_it(tmp_path):
    key_file = tmp_path / "backup-key.txt"
    out = StringIO()

    call_command("backup_key_new", str(key_file), stdout=out)

    public_key = out.getvalue().split("Public key: ")[1].split()[0]
    assert key_file.stat().st_mode & 0o777 == 0o600
    secret = backups.identity_read(key_file)
    assert str(pyrage.x25519.Identity.from_str(secret).to_public()) == public_key
    assert "off the server" in out.getvalue()
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("backup_key_new", str(key_file), stdout=StringIO())
    assert backups.identity_read(key_file) == secret


def test_it_refuses_to_back_up_without_recipients(settings, tmp_path):
    settings.BACKUP_AGE_RECIPIENTS = []
    settings.BACKUP_DIR = tmp_path

    with pytest.raises(CommandError, match="BACKUP_AGE_RECIPIENTS is empty"):
        call_command("backup_create", stdout=StringIO())

    assert list(tmp_path.iterdir()) == []


def test_it_tells_the_wrong_key_without_a_traceback(tmp_path, source, key):
    backup = backup_of(source, key, tmp_path / "backups")
    call_command("backup_key_new", str(tmp_path / "other-key.txt"), stdout=StringIO())

    with pytest.raises(CommandError, match="This key cannot open the backup"):
        call_command(
            "backup_restore",
            str(backup),
            identity_file=str(tmp_path / "other-key.txt"),
            database_url=f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        )


def round_trip(tmp_path, settings, database_url: str) -> str:
    """Back up the test database with the commands, restore it at ``database_url``.

    Return what ``manage.py`` prints about the clients when run on the restored database.
    """
    ClientFactory(name=MARKER)
    ClientFactory(name="Ada Okafor")
    key_file = tmp_path / "backup-key.txt"
    out = StringIO()
    call_command("backup_key_new", str(key_file), stdout=out)
    settings.BACKUP_AGE_RECIPIENTS = [out.getvalue().split("Public key: ")[1].split()[0]]
    settings.BACKUP_DIR = tmp_path / "backups"
    stale = settings.BACKUP_DIR / "scales-20000101T000000Z.sqlite3.age"
    stale.parent.mkdir()
    stale.write_bytes(b"age-encryption.org/v1")

    out = StringIO()
    call_command("backup_create", stdout=out)

    (backup,) = settings.BACKUP_DIR.glob("scales-*.age")
    assert f"Backup written: {backup}" in out.getvalue()
    assert f"Removed (older than 35 days): {stale}" in out.getvalue()
    assert MARKER.encode() not in backup.read_bytes()
    call_command(
        "backup_restore",
        str(backup),
        identity_file=str(key_file),
        database_url=database_url,
        stdout=StringIO(),
    )

    migrations = manage("migrate", "--check", database_url=database_url)
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr
    shell = manage(
        "shell",
        "--verbosity=0",
        "-c",
        "from clients.models import Client; "
        "print(Client.objects.count(), Client.objects.order_by('pk').first().name)",
        database_url=database_url,
    )
    assert shell.returncode == 0, shell.stderr
    return shell.stdout.strip()


def manage(*args: str, database_url: str) -> subprocess.CompletedProcess:
    """Run ``manage.py`` on the restored database, as the app would start on it."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the configured database is not SQLite")
@pytest.mark.django_db(transaction=True)
def test_it_restores_the_practice_from_sqlite_and_the_app_runs_on_it(tmp_path, settings):
    printed = round_trip(tmp_path, settings, f"sqlite:///{tmp_path / 'restored.sqlite3'}")

    assert printed == f"2 {MARKER}"


@pytest.fixture
def empty_postgres_database(postgres):
    """Create a new, empty database on the test server; drop it afterwards."""
    server = settings.DATABASES["default"]
    name = f"scales_restore_{secrets.token_hex(4)}"
    params = {
        "host": server.get("HOST") or None,
        "port": server.get("PORT") or None,
        "user": server.get("USER") or None,
        "password": server.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield {**server, "NAME": name}
    finally:
        with psycopg.connect(**params) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def postgres_url(database: dict) -> str:
    user = database.get("USER") or ""
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    host = database.get("HOST") or "localhost"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{database['NAME']}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_restores_the_practice_from_postgresql_and_the_app_runs_on_it(
    tmp_path, settings, empty_postgres_database
):
    printed = round_trip(tmp_path, settings, postgres_url(empty_postgres_database))

    assert printed == f"2 {MARKER}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_restore_into_a_postgresql_database_that_has_tables(
    tmp_path, settings, postgres, key
):
    ClientFactory(name=MARKER)
    backup = backup_create(recipients=[str(key.to_public())], folder=tmp_path, now=NOW)

    with pytest.raises(BackupError, match="is not empty"):
        backup_restore(path=backup, identity=str(key), database=settings.DATABASES["default"])


@pytest.mark.postgres
def test_it_streams_the_dump_without_a_plain_copy(tmp_path, db, postgres, key, private_tmp):
    backup = backup_create(recipients=[str(key.to_public())], folder=tmp_path / "b", now=NOW)

    assert backup.name == "scales-20260302T080000Z.pgdump.age"
    assert pyrage.decrypt(backup.read_bytes(), [key]).startswith(b"PGDMP")
    assert list(private_tmp.iterdir()) == []
