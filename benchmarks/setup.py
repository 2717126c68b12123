"""A fresh Flowdesk app on a throwaway database, for benchmarks."""
import atexit
import logging
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

os.environ.setdefault("FLOWDESK_INSTANCE", tempfile.mkdtemp(prefix="flowdesk-bench-"))
os.environ.setdefault("SECRET_KEY", "bench")

from store.db import db  # noqa: E402
from crm import demo  # noqa: E402
from crm.people import create_user  # noqa: E402
from web import create_app  # noqa: E402

PG_ADMIN = os.environ.get("FLOWDESK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")


def bench_app(url: str):
    logging.disable(logging.WARNING)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "FLOWDESK_EMBEDDED_ENGINE": False})
    with app.app_context():
        db.create_all()
        demo.ensure_object_types()
        create_user("eddie", "editor", "benchmark-pw")
        db.session.commit()
    return app


def pg_url() -> str | None:
    """A fresh PostgreSQL database for one measurement (dropped at exit), or None when there is no server."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            name = f"flowdesk_bench_{uuid.uuid4().hex[:8]}"
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception:  # noqa: BLE001 - no server: the PostgreSQL rows are left out
        return None
    atexit.register(_drop, name)
    return PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"


def _drop(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flowdesk(*args: str, url: str, log: Path) -> subprocess.Popen:
    """The `flowdesk` command (`flowdesk run`, `flowdesk worker`) from this interpreter, in a child process on
    database `url`, its output in `log`."""
    env = {**os.environ, "DATABASE_URL": url, "FLOWDESK_INSTANCE": tempfile.mkdtemp(prefix="flowdesk-bench-"),
           "SECRET_KEY": "bench"}
    with open(log, "wb") as out:
        return subprocess.Popen([sys.executable, "-c", "from web.cli import main; main()", *args], env=env,
                                stdout=out, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parent.parent)


def status_kib(pid: int, field: str) -> int:
    """A size from /proc/<pid>/status in KiB: VmRSS (resident now) or VmHWM (peak resident, as ru_maxrss)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)
