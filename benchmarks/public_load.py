"""Benchmark: the public page under concurrent anonymous load, served by gunicorn.

Run from the repository root::

    .venv/bin/python benchmarks/public_load.py \
        --database-url postgresql://postgres@127.0.0.1:5432/samtrygg_bench_public \
        [--incidents 1000000] [--areas 400] [--workers 4] [--clients 50] [--requests 40] \
        [--keep] [--reuse]

The script

1. creates the PostgreSQL database when it does not exist (and drops it at the end, only then),
   migrates it and builds a partnership with ``--incidents`` synthetic incidents over two years
   (COPY, as ``benchmarks/picture.py`` does), ``--areas`` drawn areas in a grid over the hot spots
   (each incident linked to the area it lies in) and a published agreement (``--keep`` keeps
   the database, and ``--reuse`` then uses its partnership instead of building another);
2. starts gunicorn (``--workers`` sync worker processes) on 127.0.0.1 with the file cache in a
   temporary data directory, and times the first request to ``/p/<slug>/`` (the computation the
   cache saves) and the map data;
3. runs ``--clients`` concurrent anonymous clients, each making ``--requests`` requests to the
   public page (a bounded loop, one connection per request), while one more client asks
   ``/healthz`` every 100 ms; prints requests/s, median and p95 latency, errors, and the health
   check's p95 and worst latency;
   the same again while the data version is renewed every 2 s, as new reports do (each time
   one worker computes the page again while the others serve the latest one);
4. signs in ``--clients`` viewers (a session each) and has them request the weekly picture
   ``--picture-requests`` times each, concurrently (issue 11: p95 < 1 s at 50 users);
5. checks the per-client rate limit: with the default ``SAMTRYGG_PUBLIC_RATE`` a client's
   requests beyond the limit in a minute are answered 429.

Issue 11's goal (2-core machine, 1,000,000 incidents, 400 areas, 50 clients): at least 200
requests/s with p95 below 100 ms and no errors; the signed-in picture's p95 below 1 s. The
load clients run in five processes of this script on the same machine, so they compete with the
server for the cores.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import queue
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

import picture as picture_bench  # noqa: E402  (benchmarks/picture.py: database and rows)

GRID = (14.48, 59.30, 14.57, 59.36)  # the synthetic hot spots lie inside


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--areas", type=int, default=400)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=40, help="per client")
    parser.add_argument(
        "--picture-requests", type=int, default=4, help="per signed-in client (weekly picture)"
    )
    parser.add_argument("--threads", type=int, default=1, help="per gunicorn worker (gthread)")
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="use the partnership a --keep run left, if any"
    )
    return parser.parse_args()


def grid_areas(p: Any, n: int) -> list[Any]:
    """``n`` drawn areas in a square grid over the hot spots (bulk, no per-area linking)."""
    from shapely.geometry import box, mapping

    from samtrygg.areas.models import Area, AreaKind

    side = int(np.ceil(np.sqrt(n)))
    x0, y0, x1, y1 = GRID
    dx, dy = (x1 - x0) / side, (y1 - y0) / side
    areas = []
    for i in range(n):
        cx, cy = x0 + (i % side) * dx, y0 + (i // side) * dy
        geom = box(cx, cy, cx + dx, cy + dy)
        areas.append(
            Area(
                partnership=p,
                name=f"Ruta {i + 1}",
                kind=AreaKind.DRAWN,
                geometry=mapping(geom),
                min_lon=cx,
                min_lat=cy,
                max_lon=cx + dx,
                max_lat=cy + dy,
            )
        )
    return Area.objects.bulk_create(areas)


def build(n: int, n_areas: int, rng: np.random.Generator) -> str:
    from django.utils import timezone

    from samtrygg.agreements.models import Agreement
    from samtrygg.areas import services as area_services
    from samtrygg.incidents.categories import seed_categories
    from samtrygg.partnerships.models import Organisation, Partnership

    slug = f"public-{n}"
    Partnership.objects.filter(slug=slug).delete()
    p = Partnership.objects.create(name=f"Public {n}", slug=slug)
    orgs = [
        Organisation.objects.create(partnership=p, name=f"Org {i}", slug=f"org-{i}", kind=k)
        for i, k in enumerate(["kommun", "skola", "bostadsbolag", "polis"])
    ]
    areas = grid_areas(p, n_areas)
    categories = seed_categories(p)
    cols = picture_bench.synthetic_columns(n, rng)
    hits = area_services.assign_points(areas, cols["lon"], cols["lat"])
    picture_bench.insert_incidents(p, orgs, categories, cols, hits, rng)
    today = date.today()
    Agreement.objects.create(
        partnership=p,
        title="Samverkansöverenskommelse",
        period_start=date(today.year - 1, 1, 1),
        period_end=date(today.year + 1, 12, 31),
        status="published",
        published_at=timezone.now(),
    )
    return slug


def signed_in_cookies(slug: str, n: int) -> list[str]:
    """Session cookies of ``n`` viewers of the partnership (aggregates only: the picture's
    heaviest path, every count protected), made directly in the session store."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    from samtrygg.partnerships.models import Membership, Partnership, Role

    partnership = Partnership.objects.get(slug=slug)
    cookies = []
    for i in range(n):
        email = f"viewer{i}@bench.test"
        user = User.objects.filter(username=email).first() or User.objects.create_user(email, email)
        Membership.objects.get_or_create(user=user, partnership=partnership, role=Role.VIEWER)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    return cookies


def fetch(url: str, cookie: str = "") -> tuple[int, float]:
    """One GET on a new connection: the status and the seconds until the whole answer was read.

    Written on a plain socket (HTTP/1.0, the server closes the connection after the answer):
    the load clients run on the server's own two cores, and urllib's request and header
    machinery cost about as much CPU per request as the server's answer, which measured the
    clients more than the server.
    """
    began = time.perf_counter()
    parts = urllib.parse.urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    head = f"GET {target} HTTP/1.0\r\nHost: {parts.netloc}\r\n"
    if cookie:
        head += f"Cookie: {cookie}\r\n"
    try:
        with socket.create_connection((parts.hostname, parts.port or 80), timeout=60) as conn:
            conn.sendall((head + "\r\n").encode("latin-1"))
            chunks = []
            while chunk := conn.recv(1 << 16):
                chunks.append(chunk)
        answer = b"".join(chunks)
        status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    except (OSError, ValueError, IndexError):
        status = 0
    return status, time.perf_counter() - began


def free_port() -> int:
    """A port nobody listens on now (other programs on this machine may use fixed ones)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    url: str, workdir: Path, workers: int, rate: int, port: int, threads: int = 1
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-not-a-secret"),
        "SAMTRYGG_DATA_DIR": str(workdir),
        "SAMTRYGG_PUBLIC_RATE": str(rate),
        "SAMTRYGG_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "samtrygg.web.wsgi:application",
            f"--workers={workers}",
            f"--threads={threads}",
            f"--bind=127.0.0.1:{port}",
            "--timeout=120",
            "--log-level=warning",
        ],
        env=env,
    )
    for _i in range(300):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped with exit code {server.returncode}")
        if fetch(f"http://127.0.0.1:{port}/healthz")[0] == 200:
            return server
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within a minute")


def _client_process(
    page: str, threads: int, requests: int, cookies: tuple[str, ...] = ()
) -> list[tuple[int, float]]:
    """One load process: ``threads`` clients, each making ``requests`` requests (each client
    signed in with its own session cookie when ``cookies`` are given)."""
    results: list[tuple[int, float]] = []
    lock = threading.Lock()

    def client(cookie: str) -> None:
        mine = [fetch(page, cookie) for _i in range(requests)]
        with lock:
            results.extend(mine)

    given = list(cookies) or [""] * threads
    workers = [threading.Thread(target=client, args=(given[i],)) for i in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return results


def _probe_process(url: str, stop: Any, out: Any) -> None:
    """The health check every 100 ms, in a process of its own (no lock shared with clients)."""
    while not stop.is_set():
        status, seconds = fetch(url)
        out.put(seconds if status == 200 else float("inf"))
        time.sleep(0.1)


def _changes(slug: str, every: float, done: threading.Event, made: list[int]) -> None:
    """Renew the partnership's data version every ``every`` seconds until ``done``."""
    from samtrygg.partnerships.dataversion import bump
    from samtrygg.partnerships.models import Partnership

    pk = Partnership.objects.get(slug=slug).pk
    while not done.wait(every):
        bump(pk)
        made.append(1)


def load(
    base: str,
    slug: str,
    clients: int,
    requests: int,
    processes: int = 5,
    *,
    path: str = "",
    cookies: list[str] | None = None,
    what: str = "public page",
    change_every: float = 0.0,
) -> None:
    """Run the clients and print the figures; with ``change_every`` > 0, renew the
    partnership's data version that often meanwhile (as each new report does)."""
    page = f"{base}{path or f'/p/{slug}/'}"
    ctx = multiprocessing.get_context("fork")
    stop, health_queue = ctx.Event(), ctx.Queue()
    probe = ctx.Process(target=_probe_process, args=(f"{base}/healthz", stop, health_queue))
    probe.start()
    shares = [clients // processes + (i < clients % processes) for i in range(processes)]
    began = time.perf_counter()
    jobs, given = [], list(cookies or [])
    for n in shares:
        if n:
            jobs.append((page, n, requests, tuple(given[:n])))
            given = given[n:]
    changes = []
    with ctx.Pool(processes) as pool:
        done = threading.Event()
        changer = threading.Thread(target=_changes, args=(slug, change_every, done, changes))
        if change_every > 0:
            changer.start()
        parts = pool.starmap(_client_process, jobs)
        done.set()
        if change_every > 0:
            changer.join()
    elapsed = time.perf_counter() - began
    stop.set()
    # Read the probe's queue before joining it: a process does not end while its queue's data
    # waits in the pipe.
    health: list[float] = []
    while probe.is_alive() or not health_queue.empty():
        with contextlib.suppress(queue.Empty):
            health.append(health_queue.get(timeout=0.1))
    probe.join()
    results = [r for part in parts for r in part]
    ok = [s for status, s in results if status == 200]
    errors = len(results) - len(ok)
    if not ok:
        raise SystemExit(f"every request failed: {sorted({status for status, _s in results})}")
    p95 = float(np.percentile(ok, 95)) * 1000 if ok else float("nan")
    print(
        f"{what}: {len(results)} requests by {clients} clients in {elapsed:.1f} s = "
        f"{len(results) / elapsed:.0f} requests/s; median {statistics.median(ok) * 1000:.0f} ms, "
        f"p95 {p95:.0f} ms; errors {errors}"
        + (f"; {len(changes)} changes of the data meanwhile" if change_every > 0 else "")
    )
    print(
        f"/healthz during the load: {len(health)} checks, p95 "
        f"{float(np.percentile(health, 95)) * 1000:.0f} ms, worst {max(health) * 1000:.0f} ms"
    )


def main() -> None:
    args = parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Give --database-url postgresql://… (the benchmark is for PostgreSQL).")
    workdir = Path(tempfile.mkdtemp(prefix="samtrygg-public-load-"))
    url, created = picture_bench.prepare_database(args.database_url, workdir)
    server = None
    try:
        picture_bench.setup_django(url, workdir)
        began = time.perf_counter()
        from samtrygg.partnerships.models import Partnership

        slug = f"public-{args.incidents}"
        if not (args.reuse and Partnership.objects.filter(slug=slug).exists()):
            slug = build(args.incidents, args.areas, np.random.default_rng(args.seed))
        print(
            f"gunicorn: {args.workers} workers × {args.threads} threads; "
            f"{args.incidents:,} incidents and {args.areas} areas ready "
            f"in {time.perf_counter() - began:.0f} s"
        )
        from django.db import connections

        connections.close_all()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(url, workdir, args.workers, rate=0, port=port, threads=args.threads)
        status, first = fetch(f"{base}/p/{slug}/")
        status_map, first_map = fetch(f"{base}/p/{slug}/map.geojson")
        print(
            f"first request (computes and caches): page {first * 1000:.0f} ms ({status}), "
            f"map {first_map * 1000:.0f} ms ({status_map})"
        )
        load(base, slug, args.clients, args.requests)
        # The same while reports arrive: each renews the data version, so the page is computed
        # again (by one worker; the others serve the latest page meanwhile).
        load(base, slug, args.clients, args.requests, change_every=2.0,
             what="public page, data changed every 2 s")  # fmt: skip
        # The signed-in weekly picture: 50 viewers at once, each with a session of its own.
        from django.db import connections

        cookies = signed_in_cookies(slug, args.clients)
        connections.close_all()
        picture = f"/{slug}/picture/"
        status, first = fetch(f"{base}{picture}", cookies[0])
        print(f"weekly picture, first request: {first * 1000:.0f} ms ({status})")
        load(base, slug, args.clients, args.picture_requests, path=picture, cookies=cookies,
             what="signed-in weekly picture")  # fmt: skip
        server.terminate()
        server.wait(30)
        server = start_server(url, workdir, args.workers, rate=120, port=port)
        codes = [fetch(f"{base}/p/{slug}/")[0] for _i in range(130)]
        print(f"rate limit 120/min: {codes.count(200)} answered, {codes.count(429)} refused (429)")
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        if created and not args.keep:
            from django.db import connections

            connections.close_all()
            picture_bench.drop_database(url)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
