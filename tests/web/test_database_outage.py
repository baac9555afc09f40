"""A database that is down, restarting or slow: reconnect, time out, and say so plainly."""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.conftest import World


def _failing_session(monkeypatch: Any) -> None:
    # The first thing a signed-in request reads from the database is its session.
    def down(self: Any) -> Any:
        raise OperationalError("connection to server failed: Connection refused")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", down)


def test_an_unreachable_database_gives_a_translated_503_page(
    world: World, client_for: Any, monkeypatch: Any
) -> None:
    client = client_for("coordinator")
    client.raise_request_exception = False
    _failing_session(monkeypatch)
    response = client.get(reverse("partnership-start", args=[world.a.slug]))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "Tjänsten är tillfälligt otillgänglig" in page and "Försök igen om en minut" in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_other_errors_still_give_the_500_page(world: World, monkeypatch: Any) -> None:
    client = Client(raise_request_exception=False)

    def broken(self: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", broken)
    client.cookies["sessionid"] = "x" * 32
    assert client.get(reverse("login")).status_code == 500


def test_the_health_check_reports_the_database_state(
    world: World, client: Any, monkeypatch: Any
) -> None:
    ok = client.get(reverse("healthz"))
    assert ok.status_code == 200 and ok.json() == {"status": "ok", "database": "ok"}

    class Down:
        def cursor(self) -> Any:
            raise OperationalError("connection to server failed")

    monkeypatch.setattr("samtrygg.web.views.connection", Down())
    failed = client.get(reverse("healthz"))
    assert failed.status_code == 503 and failed.json()["database"] == "unavailable"


def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite is a file, it has no server to restart.")


def _served(path: str, cookie: str = "") -> int:
    """The status of ``path`` through Django's WSGI handler, as the server runs it.

    Unlike the test client, the handler signals the start of each request, which is when
    Django checks or replaces a kept database connection.
    """
    environ = RequestFactory().get(path, HTTP_COOKIE=cookie).environ
    statuses: list[str] = []
    WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status))
    return int(statuses[0].split()[0])


@pytest.mark.django_db(transaction=True)
def test_requests_reconnect_after_a_database_restart(world: World) -> None:
    _postgresql()
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert _served(reverse("healthz")) == 200
    pid = connection.connection.info.backend_pid
    # A restart ends every connection: end the one the server keeps for the next request.
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            time.sleep(0.05)
    assert [_served(reverse("healthz")) for _ in range(3)] == [200, 200, 200]
    assert connection.connection.info.backend_pid != pid


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_database_times_out_quickly(
    world: World, settings: Any, monkeypatch: Any
) -> None:
    _postgresql()
    assert connection.settings_dict["OPTIONS"]["connect_timeout"] == settings.DB_CONNECT_TIMEOUT
    connection.close()
    # A port nobody listens on: the server is down.
    monkeypatch.setitem(connection.settings_dict, "PORT", "1")
    client = Client(raise_request_exception=False)
    start = time.perf_counter()
    health = client.get(reverse("healthz"))
    page = client.get(reverse("login"), HTTP_COOKIE="sessionid=" + "x" * 32)
    assert time.perf_counter() - start < 2 * settings.DB_CONNECT_TIMEOUT
    assert health.status_code == 503
    assert page.status_code == 503
    connection.close()
    monkeypatch.undo()


def test_postgresql_statements_time_out(settings: Any) -> None:
    from samtrygg.web import settings as product_settings

    if product_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("The statement timeout is a PostgreSQL option.")
    options = product_settings.DATABASES["default"]["OPTIONS"]
    assert options["options"] == f"-c statement_timeout={settings.DB_STATEMENT_TIMEOUT * 1000}"
