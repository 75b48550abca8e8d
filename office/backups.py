"""Encrypted backups of the practice's database, their restore and their pruning.

A backup is the whole database (``pg_dump`` custom format, or a copy of the
SQLite file) encrypted to one or more age public keys. The server holds only the
public keys, so a stolen server or backup folder gives nobody the clients' data:
the secret key that opens a backup is kept offline (docs/operations.md).

The unencrypted dump never lands in the backup folder: ``pg_dump`` is piped
straight into the encryption, SQLite is copied into memory, and a restore's
decrypted dump lives in a private temporary folder that is always removed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

import psycopg
import pyrage
from django.conf import settings

from lib.errors import DomainError

# scales-20260302T023000Z.pgdump.age: the UTC moment in the name sorts and prunes without
# trusting file times, which copies offsite do not always keep.
NAME_PATTERN = re.compile(r"^scales-(\d{8}T\d{6}Z)\.(pgdump|sqlite3)\.age$")
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
WRONG_KEY = (
    "This key cannot open the backup: it was encrypted to a different public key "
    "(BACKUP_AGE_RECIPIENTS when it was made)."
)
PG_TIMEOUT_SECONDS = 6 * 60 * 60


class BackupError(DomainError):
    """A backup, restore or key operation refused, with a message for the person running it."""

    code = "backup"


# --- Keys ---------------------------------------------------------------------------------


def backup_key_new(*, path: Path, now: datetime) -> str:
    """Write a new age secret key to ``path`` (mode 0600, never overwriting); return its public key.

    The file has the layout of ``age-keygen``, so the ``age`` tool can open the
    backups with it too.
    """
    identity = pyrage.x25519.Identity.generate()
    public_key = str(identity.to_public())
    text = (
        f"# created: {now.astimezone(UTC).isoformat(timespec='seconds')}\n"
        f"# public key: {public_key}\n"
        f"{identity}\n"
    )
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as error:
        raise BackupError(f"{path} already exists; a key file is never overwritten.") from error
    except OSError as error:
        raise BackupError(f"Cannot write the key file {path}: {error.strerror}.") from error
    with os.fdopen(descriptor, "w") as key_file:
        key_file.write(text)
    return public_key


def identity_read(path: Path) -> str:
    """Return the secret key in an identity file (``backup_key_new`` or ``age-keygen``)."""
    try:
        text = path.read_text()
    except OSError as error:
        raise BackupError(f"Cannot read the key file {path}: {error.strerror}.") from error
    keys = [
        line.strip() for line in text.splitlines() if line.strip().startswith("AGE-SECRET-KEY-")
    ]
    if len(keys) != 1:
        raise BackupError(f"{path} must hold exactly one age secret key (AGE-SECRET-KEY-...).")
    return keys[0]


def _recipients_parse(recipients: list[str]) -> list[pyrage.x25519.Recipient]:
    if not recipients:
        raise BackupError("No public key to encrypt to: set BACKUP_AGE_RECIPIENTS (age1...).")
    parsed = []
    for recipient in recipients:
        try:
            parsed.append(pyrage.x25519.Recipient.from_str(recipient.strip()))
        except pyrage.RecipientError as error:
            raise BackupError(
                f"{recipient!r} is not an age public key (it starts with age1)."
            ) from error
    return parsed


def _identity_parse(identity: str) -> pyrage.x25519.Identity:
    try:
        return pyrage.x25519.Identity.from_str(identity.strip())
    except pyrage.IdentityError as error:
        raise BackupError("This is not an age secret key (AGE-SECRET-KEY-...).") from error


# --- Create -------------------------------------------------------------------------------


def backup_create(
    *,
    recipients: list[str],
    folder: Path,
    now: datetime,
    database: dict[str, Any] | None = None,
) -> Path:
    """Dump the database, encrypted to ``recipients``, into ``folder``; return the file.

    ``database`` is a Django database dict, the default database unless given.
    The file appears under its final name only when complete (written under a
    hidden name, then renamed), readable by its owner alone.
    """
    keys = _recipients_parse(recipients)
    if database is None:
        database = settings.DATABASES["default"]
    kind = _kind(database)
    stamp = now.astimezone(UTC).strftime(STAMP_FORMAT)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"scales-{stamp}.{kind}.age"
    if path.exists():
        raise BackupError(f"{path.name} already exists: one backup per second at most.")
    partial = folder / f".{path.name}.partial"
    try:
        with _private_file(partial) as encrypted:
            if kind == "pgdump":
                _pg_dump_encrypted(database, encrypted, keys)
            else:
                encrypted.write(pyrage.encrypt(_sqlite_copy(database), keys))
            encrypted.flush()
            os.fsync(encrypted.fileno())
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _kind(database: dict[str, Any]) -> str:
    engine = database["ENGINE"]
    if "postgresql" in engine or "postgis" in engine:
        return "pgdump"
    if "sqlite3" in engine:
        return "sqlite3"
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")


@contextlib.contextmanager
def _private_file(path: Path) -> Iterator[BinaryIO]:
    """Open a new file only its owner can read, whatever the umask (a stale one is replaced)."""
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        yield file


def _sqlite_copy(database: dict[str, Any]) -> bytes:
    """Return a consistent copy of the SQLite file, made in memory so no plain copy is on disk."""
    name = str(database["NAME"])
    if not Path(name).is_file():
        raise BackupError(f"There is no SQLite database file at {name}.")
    source = sqlite3.connect(f"{Path(name).resolve().as_uri()}?mode=ro", uri=True)
    copy = sqlite3.connect(":memory:")
    try:
        source.backup(copy)
        return copy.serialize()
    finally:
        copy.close()
        source.close()


def _pg_environment(database: dict[str, Any]) -> dict[str, str]:
    """Return the libpq variables for ``database``: the password never on a command line."""
    variables = {
        "PGHOST": database.get("HOST") or "",
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
        "PGDATABASE": database.get("NAME") or "",
        "PGSSLMODE": (database.get("OPTIONS") or {}).get("sslmode", ""),
    }
    inherited = {key: value for key, value in os.environ.items() if key not in variables}
    return {**inherited, **{key: value for key, value in variables.items() if value}}


def _pg_program(name: str) -> str:
    program = shutil.which(name)
    if program is None:
        raise BackupError(f"{name} is not installed: apt-get install postgresql-client.")
    return program


def _pg_dump_encrypted(
    database: dict[str, Any], encrypted: BinaryIO, keys: list[pyrage.x25519.Recipient]
) -> None:
    """Stream ``pg_dump`` into the encryption: the plain dump only ever passes through a pipe."""
    command = [_pg_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
    with tempfile.TemporaryFile() as stderr:
        dump = subprocess.Popen(  # noqa: S603 (a fixed program; the settings only via libpq variables)
            command, stdout=subprocess.PIPE, stderr=stderr, env=_pg_environment(database)
        )
        try:
            assert dump.stdout is not None
            pyrage.encrypt_io(dump.stdout, encrypted, keys)
        finally:
            if dump.stdout is not None:
                dump.stdout.close()
            returncode = dump.wait(timeout=PG_TIMEOUT_SECONDS)
        if returncode != 0:
            stderr.seek(0)
            message = stderr.read().decode(errors="replace").strip()
            raise BackupError(f"pg_dump failed: {message}")


# --- Restore ------------------------------------------------------------------------------


def backup_restore(*, path: Path, identity: str, database: dict[str, Any]) -> None:
    """Decrypt the backup at ``path`` and restore it into ``database``, which must be empty.

    ``database`` is a Django database dict (ENGINE, NAME, USER, ...). An existing
    database is never written over: restoring into the wrong one would silently
    mix two practices' data, or bring back clients erased since.
    """
    key = _identity_parse(identity)
    kind = _kind(database)
    if not path.is_file():
        raise BackupError(f"There is no backup at {path}.")
    if kind == "pgdump":
        _pg_refuse_unless_empty(database)
    else:
        _sqlite_refuse_unless_empty(Path(database["NAME"]))
    with tempfile.TemporaryDirectory(prefix="scales-restore-") as private:
        plain = Path(private) / "dump"
        _decrypt(path, plain, key)
        with plain.open("rb") as dump:
            start = dump.read(len(SQLITE_MAGIC))
        if kind == "pgdump":
            if not start.startswith(PGDUMP_MAGIC):
                raise BackupError(f"{path.name} is not a PostgreSQL backup.")
            _pg_restore(plain, database)
        else:
            if start != SQLITE_MAGIC:
                raise BackupError(f"{path.name} is not a SQLite backup.")
            _sqlite_restore(plain, Path(database["NAME"]))


def _decrypt(path: Path, plain: Path, key: pyrage.x25519.Identity) -> None:
    with path.open("rb") as encrypted, _private_file(plain) as output:
        try:
            pyrage.decrypt_io(encrypted, output, [key])
        except pyrage.DecryptError as error:
            if "No matching keys" in str(error):
                raise BackupError(WRONG_KEY, code="wrong_key") from error
            raise BackupError(
                f"{path.name} is not a complete age backup ({error}).", code="damaged"
            ) from error


def _pg_refuse_unless_empty(database: dict[str, Any]) -> None:
    try:
        with psycopg.connect(
            host=database.get("HOST") or None,
            port=database.get("PORT") or None,
            user=database.get("USER") or None,
            password=database.get("PASSWORD") or None,
            dbname=database["NAME"],
            sslmode=(database.get("OPTIONS") or {}).get("sslmode"),
            connect_timeout=10,
        ) as connection:
            row = connection.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            ).fetchone()
    except psycopg.OperationalError as error:
        raise BackupError(
            f"Cannot connect to the database {database['NAME']!r}: create it empty first "
            f"(createdb). {error}"
        ) from error
    tables = row[0] if row else 0
    if tables:
        raise BackupError(
            f"The database {database['NAME']!r} is not empty ({tables} tables): "
            "restore only into a new, empty database."
        )


def _pg_restore(plain: Path, database: dict[str, Any]) -> None:
    command = [
        _pg_program("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        f"--dbname={database['NAME']}",
        str(plain),
    ]
    result = subprocess.run(  # noqa: S603 (a fixed program; the settings only via libpq variables)
        command,
        env=_pg_environment(database),
        capture_output=True,
        text=True,
        timeout=PG_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def _sqlite_refuse_unless_empty(target: Path) -> None:
    write_ahead_log = target.with_name(f"{target.name}-wal")
    for existing in (target, write_ahead_log):
        if existing.exists() and existing.stat().st_size > 0:
            raise BackupError(
                f"{existing} already exists and is not empty: restore only into a new file."
            )


def _sqlite_restore(plain: Path, target: Path) -> None:
    """Move the decrypted file into place, complete or not at all."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with plain.open("rb") as source, _private_file(partial) as copy:
            shutil.copyfileobj(source, copy)
            copy.flush()
            os.fsync(copy.fileno())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


# --- Prune --------------------------------------------------------------------------------


def backups_prune(*, folder: Path, keep_days: int, now: datetime) -> list[Path]:
    """Remove the backups in ``folder`` made more than ``keep_days`` ago; return them.

    Pruning is what makes erasure reach the backups: an erased client's data is
    gone from every backup ``keep_days`` after the erasure. The age comes from the
    moment in the file name; other files are left alone.
    """
    if keep_days < 1:
        raise BackupError("BACKUP_KEEP_DAYS must be at least 1: keep yesterday's backup.")
    cutoff = now.astimezone(UTC) - timedelta(days=keep_days)
    removed = []
    for path in sorted(folder.glob("scales-*.age")):
        made = _made_at(path)
        if made is not None and made < cutoff:
            path.unlink()
            removed.append(path)
    return removed


def _made_at(path: Path) -> datetime | None:
    match = NAME_PATTERN.match(path.name)
    if match is None:
        return None
    return datetime.strptime(match.group(1), STAMP_FORMAT).replace(tzinfo=UTC)
