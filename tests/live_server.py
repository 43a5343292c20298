"""A real portal, run from outside: a PostgreSQL database of its own, prepared as an operator
would (migrate, the shipped reference data, users of every role), served by gunicorn with
several workers. Tests talk to it over HTTP only.

    with live_portal() as portal:   # portal.url, portal.tokens["staff"], portal.log()
        ...

The database is created next to the test database (same server and credentials) under a
name of its own and dropped afterwards; the server is stopped in every case.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PASSWORD = "live-test-password-1"
ROLES = ("staff", "coordinator", "ics", "college")


@dataclass
class LivePortal:
    url: str
    tokens: dict[str, str] = field(default_factory=dict)
    log_path: Path | None = None

    def log(self, tail: int = 6000) -> str:
        """The end of the server's log (tracebacks of any server error)."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")[-tail:]


def _database_settings() -> dict:
    from django.conf import settings

    return settings.DATABASES["default"]


@contextlib.contextmanager
def _maintenance_cursor():
    """A cursor on the server's `postgres` database, outside any transaction (CREATE DATABASE)."""
    import psycopg2

    db = _database_settings()
    params = {"USER": "user", "PASSWORD": "password", "HOST": "host", "PORT": "port"}
    connection = psycopg2.connect(dbname="postgres", **{key: db[name] for name, key in params.items() if db.get(name)})
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        connection.close()


def _database_url(name: str) -> str:
    from urllib.parse import quote

    db = _database_settings()
    auth = quote(db.get("USER") or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{name}"


@contextlib.contextmanager
def _scratch_database():
    name = f"portal_live_{uuid.uuid4().hex[:10]}"
    with _maintenance_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with _maintenance_cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def server_environment(database_url: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="portal.settings",
        DJANGO_DEBUG="false",
        DJANGO_LOG_LEVEL="ERROR",  # 4xx are the point of these tests: log only server errors
        CELERY_TASK_ALWAYS_EAGER="true",  # no worker: report runs happen in the request
        API_THROTTLE_RATE="1000000/minute",
        API_ANON_THROTTLE_RATE="1000000/minute",
        PYTHONPATH=str(BASE_DIR),
    )
    return env


def prepare(env: dict, timeout: float = 300) -> None:
    """migrate, load_reference_data and the users of every role, in a process of their own."""
    subprocess.run(
        [sys.executable, "-m", "tests.live_server", "prepare"], env=env, cwd=BASE_DIR, check=True, timeout=timeout,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode} before serving")
        try:
            urllib.request.urlopen(f"{url}/api/v1/", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer (401 here) means a worker is serving
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer on {url} within {timeout} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)  # its own session: the master and its workers
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


def token_for(url: str, username: str) -> str:
    body = json.dumps({"username": username, "password": PASSWORD}).encode()
    request = urllib.request.Request(
        f"{url}/api/v1/auth/token/", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["token"]


@contextlib.contextmanager
def live_portal(workers: int = 2):
    with _scratch_database() as name, tempfile.TemporaryDirectory() as tmp:
        env = server_environment(_database_url(name))
        prepare(env)
        port = _free_port()
        log_path = Path(tmp) / "gunicorn.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
                    "--workers", str(workers), "--timeout", "120", "--graceful-timeout", "5",
                    "--log-level", "warning",
                ],
                env=env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_serving(url, process)
            portal = LivePortal(url=url, log_path=log_path)
            portal.tokens = {role: token_for(url, f"live-{role}") for role in ROLES}
            yield portal
        finally:
            _stop(process)


# --- run inside the prepared environment (python -m tests.live_server prepare) ----------


def _prepare_in_process() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_reference_data", verbosity=0)

    from colleges.models import College
    from core.roles import Role
    from core.users import user_scope_find, users_create
    from hubs.models import Hub
    from tests.factories import CourseOfferFactory, VacancyFactory
    from tests.hubs.factories import ActivityFactory, PartnershipFactory
    from trusts.models import Trust

    # One organisation of each kind, with a little data each role may write.
    trust = Trust.objects.select_related("ics__region").order_by("ods_code").first()
    ics = trust.ics
    college = College.objects.filter(ics=ics).order_by("ukprn").first() or College.objects.order_by("ukprn").first()
    hub, _ = Hub.objects.get_or_create(
        region=ics.region, defaults={"name": f"{ics.region.name} employer hub", "host_college": college}
    )
    college.hub = hub
    college.save(update_fields=["hub"])
    CourseOfferFactory(college=college)
    VacancyFactory(trust=trust, ics=ics)
    ActivityFactory(partnership=PartnershipFactory(college=college, trust=trust, ics=ics))

    scopes = {
        Role.STAFF: {},
        Role.COORDINATOR: {"hub_code": hub.region.code},
        Role.ICS: {"ics_code": ics.code},
        Role.COLLEGE: {"ukprn": college.ukprn},
    }
    for role, scope in scopes.items():
        users_create(
            username=f"live-{role}", password=PASSWORD, role=role, email="",
            **user_scope_find(role=role, **{"hub_code": None, "ics_code": None, "ukprn": None, **scope}),
        )


if __name__ == "__main__":
    if sys.argv[1:] == ["prepare"]:
        _prepare_in_process()
    else:
        raise SystemExit("usage: python -m tests.live_server prepare")
