"""A throw-away PostgreSQL 15 server on 127.0.0.1 for the tests (installed with apt-get when missing)."""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

LOCK = Path(tempfile.gettempdir()) / "zhuqi-pg-install.lock"


@contextlib.contextmanager
def _one_at_a_time() -> Iterator[None]:
    """Installing PostgreSQL or adding its user: one test process at a time (``make test`` runs several workers, and
    two apt-get or useradd at once fail)."""
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _bin_dir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    found = shutil.which("pg_ctl")
    for path in ([found] if found else []) + candidates:
        return Path(os.path.realpath(path)).parent
    return None


def ensure_installed() -> Path:
    bin_dir = _bin_dir()
    if bin_dir is not None:
        return bin_dir
    with _one_at_a_time():
        return _install()


def _install() -> Path:
    bin_dir = _bin_dir()
    if bin_dir is not None:  # another worker installed it meanwhile
        return bin_dir
    if os.geteuid() != 0:
        raise RuntimeError("PostgreSQL is not installed and the tests are not root: apt-get install postgresql-15")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
    install = subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql-15"], env=env, stdout=subprocess.DEVNULL)
    if install.returncode != 0:
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "postgresql"], check=True, env=env, stdout=subprocess.DEVNULL
        )
    bin_dir = _bin_dir()
    if bin_dir is None:
        raise RuntimeError("apt-get installed PostgreSQL but pg_ctl was not found")
    return bin_dir


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PgServer:
    """``durable=False`` (the tests): no fsync, no waiting for the WAL — fast, and lost if the machine crashes.
    ``durable=True`` (benchmarks): PostgreSQL's own defaults, as in production."""

    def __init__(self, durable: bool = False) -> None:
        self.durable = durable
        self.bin = ensure_installed()
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="zhuqi-pg-"))
        self.data = self.dir / "data"
        self._as: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            with _one_at_a_time():
                try:
                    pwd.getpwnam("postgres")
                except KeyError:
                    subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
            shutil.chown(self.dir, "postgres", "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> PgServer:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"
        )
        self.resume()
        return self

    def halt(self) -> None:
        """Stop the server the hard way (as a crash or a failover would), keeping its data: see resume()."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def resume(self) -> None:
        """Start the server on its data directory and port (after start's initdb, or after halt)."""
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.dir / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self) -> None:
        try:
            self.halt()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    async def create_database(self, name: str, template: str | None = None) -> str:
        """Create database ``name`` (a copy of database ``template`` when given); return its URL."""
        import asyncpg

        conn = await asyncpg.connect(host="127.0.0.1", port=self.port, user="postgres", database="postgres")
        try:
            await conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        finally:
            await conn.close()
        return self.url(name)
