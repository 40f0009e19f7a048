"""Real servers for the tests that need one: the portal under gunicorn on a loopback port,
with the environment a test gives it (production settings, another database, Redis…)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

GUNICORN = Path(sys.executable).with_name("gunicorn")
PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "test-only-9Vq2#mL8@pR4$wT6^yU1&iO3*aS5(dF7)gH0_jK2+lZ4-xC6=vB8nM",
    "SITE_URL": "https://pingan.example.cn",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def get(self, path: str, *, headers: dict | None = None, timeout: float = 10) -> Response:
        """GET as a browser behind the TLS proxy would (X-Forwarded-Proto: https)."""
        request = urllib.request.Request(
            self.url + path, headers={"X-Forwarded-Proto": "https", **(headers or {})}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return Response(answer.status, dict(answer.headers), answer.read())
        except urllib.error.HTTPError as answer:
            return Response(answer.code, dict(answer.headers), answer.read())


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 1) -> Iterator[Server]:
    """The portal under gunicorn on a free loopback port, stopped afterwards."""
    port = free_port()
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "CACHE_URL"}
    }
    environment.update(env)
    # The server's log goes to a file: a pipe nobody reads fills up and blocks the workers.
    log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "wuhai_safety.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    server = Server(url=f"http://127.0.0.1:{port}", process=process, log=Path(log.name))
    try:
        _wait_until_listening(server, port)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        Path(log.name).unlink(missing_ok=True)


def _wait_until_listening(server: Server, port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {server.log.read_text()[-2000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("gunicorn did not start listening")


@dataclass
class PrivateDatabase:
    """A PostgreSQL server of the test's own, which it may stop and start at will."""

    folder: Path
    port: int
    bin: Path

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/pingan"

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.folder),
                *args,
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._ctl("-o", options, "-l", str(self.folder / "server.log"), "-w", "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "-w", "stop")


def postgres_binaries() -> Path | None:
    """Where initdb and pg_ctl are (Debian keeps them out of PATH), if PostgreSQL is installed."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return versions[-1].parent if versions and os.geteuid() == 0 else None


@contextmanager
def private_postgres() -> Iterator[PrivateDatabase]:
    """A fresh cluster in a folder of its own, owned by the postgres user (a test's tmp_path
    is private to root), trusting loopback; removed afterwards."""
    binaries = postgres_binaries()
    if binaries is None:
        raise RuntimeError("PostgreSQL's server binaries (and root, to run them) are needed")
    home = Path(tempfile.mkdtemp(prefix="pingan-pg-"))
    home.chmod(0o755)
    folder = home / "cluster"
    folder.mkdir()
    shutil.chown(folder, "postgres", "postgres")
    subprocess.run(
        [
            "runuser",
            "-u",
            "postgres",
            "--",
            str(binaries / "initdb"),
            "-D",
            str(folder),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    database = PrivateDatabase(folder=folder, port=free_port(), bin=binaries)
    database.start()
    try:
        subprocess.run(
            [
                str(binaries / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(database.port),
                "-U",
                "postgres",
                "pingan",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield database
    finally:
        try:
            database.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(home, ignore_errors=True)


@contextmanager
def s3_server() -> Iterator[str]:
    """A local S3-compatible server (moto's server mode) on a free loopback port; its URL."""
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="moto-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=log,
    )
    server = Server(url=f"http://127.0.0.1:{port}", process=process, log=Path(log.name))
    try:
        _wait_until_listening(server, port)
        yield server.url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        Path(log.name).unlink(missing_ok=True)


class Browser:
    """A person's browser against a test server: cookies kept (Secure ones too, as behind the
    TLS proxy), forms posted with their CSRF token, redirects not followed."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.cookies: dict[str, str] = {}

    def use(self, server: Server) -> Browser:
        """The same browser (same cookies) against another server behind the same balancer."""
        other = Browser(server)
        other.cookies = self.cookies
        return other

    def _request(self, method: str, path: str, data: dict | None = None) -> Response:
        headers = {
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            # The proxy speaks HTTPS to the browser: Django checks the referrer against it.
            "Referer": self.server.url.replace("http://", "https://") + path,
        }
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            self.server.url + path, data=body, headers=headers, method=method
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=20) as answer:
                response = Response(answer.status, dict(answer.headers), answer.read())
                raw = answer.headers.get_all("Set-Cookie") or []
        except urllib.error.HTTPError as answer:
            response = Response(answer.code, dict(answer.headers), answer.read())
            raw = answer.headers.get_all("Set-Cookie") or []
        for line in raw:
            name, _, rest = line.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response

    def get(self, path: str) -> Response:
        return self._request("GET", path)

    def post(self, path: str, data: dict) -> Response:
        """Post a form the way the page would: with the CSRF token the page set."""
        if "csrftoken" not in self.cookies:
            self.get(path)
        return self._request(
            "POST", path, {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def collected_static(folder: Path) -> Path:
    """Static files collected as production serves them (hashed names and a manifest), which
    a server with DEBUG off needs to render any page."""
    environment = {**os.environ, **PRODUCTION, "STATIC_ROOT": str(folder)}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=environment,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return folder
