"""Backups of the database and the uploaded files, and restoring them.

A backup is a folder: `database.dump` (PostgreSQL's custom format, from pg_dump) or
`database.sqlite3` (SQLite's online backup, consistent while the portal runs), `media.tar` (the
evidence and other uploads) and `manifest.json`, which records for every table its row count
and a checksum of its rows, and a SHA-256 of every file. `restore` puts both back and checks the
result against the manifest, so a restore that did not bring everything back says so.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone


class BackupError(Exception):
    """A backup or restore that could not be done, or did not come out as recorded."""


@dataclass
class Figures:
    """What a backup must bring back: rows per table, a checksum per table, a hash per file."""

    tables: dict[str, dict[str, int | str]]
    media: dict[str, str]

    def differences(self, other: Figures) -> list[str]:
        found = []
        for table in sorted(set(self.tables) | set(other.tables)):
            if self.tables.get(table) != other.tables.get(table):
                found.append(f"table {table}: {self.tables.get(table)} ≠ {other.tables.get(table)}")
        for name in sorted(set(self.media) | set(other.media)):
            if self.media.get(name) != other.media.get(name):
                found.append(f"file {name}")
        return found


def figures() -> Figures:
    """Row counts and checksums of every table, and hashes of every uploaded file, now."""
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            tables[table] = _table_figures(cursor, table)
    return Figures(tables=tables, media=_media_hashes())


def _table_figures(cursor, table: str) -> dict[str, int | str]:
    """Rows in primary-key order, hashed as they stream: memory stays flat at any size."""
    keys = connection.introspection.get_primary_key_columns(cursor, table) or ["1"]
    order = ", ".join(key if key == "1" else connection.ops.quote_name(key) for key in keys)
    # The table names come from the database's own catalogue, not from anyone's input.
    cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY {order}")
    digest, count = hashlib.sha256(), 0
    while rows := cursor.fetchmany(5000):
        for row in rows:
            digest.update(repr(tuple(_plain(value) for value in row)).encode())
        count += len(rows)
    return {"rows": count, "sha256": digest.hexdigest()}


def _plain(value):
    """The same value whichever driver read it (memoryview, Decimal and datetime as text)."""
    if isinstance(value, memoryview):
        return bytes(value)
    return value if isinstance(value, int | str | bytes | float | type(None)) else str(value)


def _media_hashes() -> dict[str, str]:
    root = Path(settings.MEDIA_ROOT)
    hashes = {}
    if root.exists():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            hashes[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def backup(folder: Path) -> Path:
    """Write a backup into a new folder below `folder`; return it."""
    target = Path(folder) / timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target.mkdir(parents=True, exist_ok=False)
    recorded = figures()
    if connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", f"--file={target / 'database.dump'}", *_pg_args()])
    else:
        connection.ensure_connection()
        with sqlite3.connect(target / "database.sqlite3") as copy:
            connection.connection.backup(copy)
        copy.close()
    with tarfile.open(target / "media.tar", "w") as archive:
        root = Path(settings.MEDIA_ROOT)
        if root.exists():
            archive.add(root, arcname="media")
    manifest = {
        "made": timezone.now().isoformat(timespec="seconds"),
        "database": connection.vendor,
        "tables": recorded.tables,
        "media": recorded.media,
    }
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return target


def restore(folder: Path) -> Figures:
    """Put a backup back (the database replaced, the uploads replaced), then check every table
    and file against the manifest; BackupError names what differs."""
    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"This backup is of {manifest['database']}, the portal runs on {connection.vendor}."
        )
    if connection.vendor == "postgresql":
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={_pg_url()}",
                str(folder / "database.dump"),
            ]
        )
    else:
        connection.ensure_connection()
        with sqlite3.connect(folder / "database.sqlite3") as source:
            source.backup(connection.connection)
        source.close()
    _restore_media(folder / "media.tar")
    restored = figures()
    wanted = Figures(tables=manifest["tables"], media=manifest["media"])
    problems = wanted.differences(restored)
    if problems:
        raise BackupError("The restored data differ from the backup: " + "; ".join(problems))
    return restored


def _restore_media(archive_path: Path) -> None:
    root = Path(settings.MEDIA_ROOT)
    staging = root.with_name(root.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(archive_path) as archive:
        archive.extractall(staging, filter="data")
    unpacked = staging / "media"
    if root.exists():
        shutil.rmtree(root)
    if unpacked.exists():
        unpacked.rename(root)
    else:
        root.mkdir(parents=True)
    shutil.rmtree(staging, ignore_errors=True)


def _pg_args() -> list[str]:
    return [f"--dbname={_pg_url()}"]


def _pg_url() -> str:
    """The database as a libpq connection string (the password travels in the environment)."""
    params = connection.settings_dict
    parts = {
        "host": params.get("HOST") or "",
        "port": str(params.get("PORT") or ""),
        "user": params.get("USER") or "",
        "dbname": params["NAME"],
    }
    return " ".join(f"{key}={value}" for key, value in parts.items() if value)


def _run(command: list[str]) -> None:
    env = {**os.environ}
    if connection.settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = connection.settings_dict["PASSWORD"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # nosec B603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")
