"""The client address behind the TLS proxy: trusted forwarding, lockout per account and client."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from samtrygg.web.clientip import client_ip, parse_networks
from tests.conftest import PASSWORD, World

PROXY = "10.0.0.2"
COORDINATOR = "coordinator@alfa.test"


@pytest.fixture
def behind_proxy(settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/24"]


def _request(remote: str, forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def _sign_in(client: Any, password: str, remote: str, forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": COORDINATOR, "password": password}, **extra)


@pytest.mark.usefixtures("behind_proxy")
@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # A trusted proxy: the rightmost address that is not a trusted proxy is the client.
        (PROXY, "203.0.113.7", "203.0.113.7"),
        (PROXY, "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        (PROXY, "203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (PROXY, "203.0.113.7:51234", "203.0.113.7"),
        (PROXY, "[2001:db8::7]:443", "2001:db8::7"),
        (PROXY, "203.0.113.7, not-an-address", PROXY),
        (PROXY, None, PROXY),
        # Not a trusted proxy: the header is the client's own claim and is ignored.
        ("198.51.100.9", "203.0.113.7", "198.51.100.9"),
        ("::ffff:198.51.100.9", "203.0.113.7", "198.51.100.9"),
    ],
)
def test_the_forwarded_address_counts_only_from_a_trusted_proxy(
    remote: str, forwarded: str | None, expected: str
) -> None:
    assert client_ip(_request(remote, forwarded)) == expected


def test_without_trusted_proxies_the_header_is_ignored(settings: Any) -> None:
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("127.0.0.1", "203.0.113.7")) == "127.0.0.1"


def test_a_bad_trusted_proxy_setting_names_the_value() -> None:
    with pytest.raises(ValueError, match="'10.0.0.300'"):
        parse_networks(["10.0.0.0/8", "10.0.0.300"])


@pytest.mark.usefixtures("behind_proxy")
def test_a_strangers_failures_do_not_lock_the_coordinator_out(world: World, client: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        _sign_in(client, "wrong", PROXY, "203.0.113.66")
    assert _sign_in(client, PASSWORD, PROXY, "203.0.113.66").status_code == 429
    # The coordinator comes through the same proxy from another address and gets in.
    ok = _sign_in(client, PASSWORD, PROXY, "198.51.100.20")
    assert ok.status_code == 302
    # The sign-in record holds the coordinator's address, not the proxy's.
    log = AccessLog.objects.filter(username=COORDINATOR).latest("attempt_time")
    assert log.ip_address == "198.51.100.20"
    failed = AccessAttempt.objects.get(username=COORDINATOR)
    assert failed.ip_address == "203.0.113.66"


@pytest.mark.usefixtures("behind_proxy")
def test_a_spoofed_forwarded_header_from_an_untrusted_peer_is_ignored(
    world: World, client: Any
) -> None:
    # Changing the header on every try does not escape the lock: the peer is the client.
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "wrong", "198.51.100.9", f"203.0.113.{n}")
    assert AccessAttempt.objects.get(username=COORDINATOR).ip_address == "198.51.100.9"
    locked = _sign_in(client, PASSWORD, "198.51.100.9", "203.0.113.200")
    assert locked.status_code == 429
    # Nor can the stranger lock out an address they only name in the header.
    ok = _sign_in(client, PASSWORD, PROXY, "203.0.113.1")
    assert ok.status_code == 302
