"""Benchmark: the situational picture page and the CSV import at 10k, 100k and 1M incidents.

Run from the repository root::

    .venv/bin/python benchmarks/picture.py [--sizes 10000,100000,1000000] [--database-url URL]

Without ``--database-url`` a throwaway SQLite file in a temporary directory is used. With a
PostgreSQL URL (``postgresql://postgres@127.0.0.1:5432/samtrygg_bench``) the database is created
when it does not exist and dropped at the end (only when this script created it).

For each size the script

1. builds a partnership with that many synthetic incidents over the two years up to today
   (bulk inserts, linked to three areas), a coordinator and a viewer;
2. renders the picture page with Django's test client (``--repeat`` requests after one warm-up)
   for "this week", "quarter" and "year", as the coordinator and as a viewer, and prints the
   median time;
3. writes a CSV of that many rows in the documented default columns and imports it into a fresh
   partnership with ``import_incidents``, printing rows per second.

Targets (issue 3): the picture for 100,000 incidents under 300 ms; imports of at least 20,000
rows/s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PAGE_TARGET_MS = 300.0
IMPORT_TARGET = 20_000.0
BATCH = 5000
AREAS = [
    ("Centrum", (14.50, 59.32, 14.53, 59.34)),
    ("Stationen", (14.53, 59.31, 14.55, 59.325)),
    ("Norr", (14.49, 59.335, 14.56, 59.36)),
]
CENTRES = [(14.523, 59.327), (14.536, 59.318), (14.505, 59.335), (14.548, 59.331), (14.51, 59.31)]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--seed", type=int, default=20261126)
    return parser.parse_args()


def _pg_admin(url: str) -> Any:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    return psycopg.connect(admin, autocommit=True), parts.path.lstrip("/")


def prepare_database(url: str, workdir: Path) -> tuple[str, bool]:
    """The database URL to use, and whether this script created it (and must drop it)."""
    if not url:
        return f"sqlite:///{workdir / 'bench.sqlite3'}", False
    if url.startswith("sqlite"):
        return url, False
    conn, name = _pg_admin(url)
    with conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return url, not exists


def drop_database(url: str) -> None:
    conn, name = _pg_admin(url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(url: str, workdir: Path) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ["SAMTRYGG_DATA_DIR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "samtrygg.web.settings"
    os.environ.setdefault("SAMTRYGG_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)


def synthetic_columns(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Times over two years (more in the evening), points around five hot spots, categories."""
    now = datetime.now(UTC).replace(microsecond=0)
    span = 2 * 365 * 86400
    # Sorted, as reports arrive over time: table order follows time, as in a real database.
    seconds = now.timestamp() - np.sort(rng.integers(0, span, n))[::-1]
    hour_shift = rng.choice([0, 3600 * 6, 3600 * 10], n, p=[0.6, 0.2, 0.2])
    centre = rng.integers(0, len(CENTRES), n)
    spread = rng.choice([0.002, 0.01], n, p=[0.7, 0.3])
    lon = np.array([c[0] for c in CENTRES])[centre] + rng.normal(0, 1, n) * spread
    lat = np.array([c[1] for c in CENTRES])[centre] + rng.normal(0, 1, n) * spread / 2
    return {
        "t": (seconds - hour_shift).astype(np.int64),
        "lon": lon.round(6),
        "lat": lat.round(6),
        "category": rng.choice(14, n, p=np.r_[[0.2, 0.12, 0.1, 0.1], np.full(10, 0.048)]),
        "org": rng.integers(0, 4, n),
        "band": rng.choice(["exact", "night", "day"], n, p=[0.7, 0.2, 0.1]),
        "assessment": rng.integers(1, 5, n),
    }


def build_partnership(n: int, rng: np.random.Generator) -> tuple[Any, dict[str, Any]]:
    from django.contrib.auth import get_user_model
    from shapely.geometry import box

    from samtrygg.areas import services as area_services
    from samtrygg.incidents.categories import seed_categories
    from samtrygg.partnerships.models import Membership, Organisation, Partnership, Role

    slug = f"bench-{n}"
    p = Partnership.objects.create(name=f"Bench {n}", slug=slug)
    orgs = [
        Organisation.objects.create(partnership=p, name=f"Org {i}", slug=f"org-{i}", kind=k)
        for i, k in enumerate(["kommun", "skola", "bostadsbolag", "polis"])
    ]
    areas = [area_services.create_drawn_area(p, name, box(*bounds), None) for name, bounds in AREAS]
    categories = seed_categories(p)
    users = {}
    for role in ("coordinator", "viewer"):
        user = get_user_model().objects.create_user(
            username=f"{role}-{n}@bench.test", email=f"{role}-{n}@bench.test", password="x"
        )
        Membership.objects.create(
            user=user, partnership=p, role=getattr(Role, role.upper()), organisation=orgs[0]
        )
        users[role] = user
    cols = synthetic_columns(n, rng)
    hits = area_services.assign_points(areas, cols["lon"], cols["lat"])
    insert_incidents(p, orgs, categories, cols, hits, rng)
    return p, users


INCIDENT_COLUMNS = (
    "id", "partnership_id", "organisation_id", "category_id", "occurred_from", "occurred_to",
    "time_band", "lon", "lat", "place", "assessment", "description", "sharing", "source",
    "source_id", "is_synthetic", "created_at",
)  # fmt: skip


def _utc_text(seconds: np.ndarray) -> list[str]:
    """UTC timestamps as text both backends read: "YYYY-MM-DD HH:MM:SS+00:00" (vectorised)."""
    text = seconds.astype("datetime64[s]").astype(str)
    return list(np.char.add(np.char.replace(text, "T", " "), "+00:00"))


def insert_incidents(
    p: Any,
    orgs: list[Any],
    categories: list[Any],
    cols: dict[str, np.ndarray],
    hits: list[list[int]],
    rng: np.random.Generator,
) -> None:
    """Insert the synthetic rows with executemany (SQLite) or COPY (PostgreSQL), not the ORM:
    building a million model instances would time the ORM, not the picture."""
    from django.db import connection, transaction

    from samtrygg.incidents.models import Incident

    n = cols["t"].size
    first_id = (Incident.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    ids = np.arange(first_id, first_id + n)
    durations = np.select([cols["band"] == "night", cols["band"] == "day"], [8 * 3600, 7 * 3600], 0)
    began = _utc_text(cols["t"])
    ended = _utc_text(cols["t"] + durations)
    created = _utc_text(np.full(n, int(time.time())))
    org_ids = np.array([o.pk for o in orgs])[cols["org"]]
    cat_ids = np.array([c.pk for c in categories])[cols["category"]]
    sharing = np.where(rng.random(n) < 0.8, "partnership", "organisation")
    rows = list(
        zip(
            ids.tolist(), [p.pk] * n, org_ids.tolist(), cat_ids.tolist(), began, ended,
            cols["band"].tolist(), cols["lon"].tolist(), cols["lat"].tolist(),
            [f"Plats {c % 7}" for c in cols["category"].tolist()], cols["assessment"].tolist(),
            [""] * n, sharing.tolist(), ["demo"] * n, [""] * n, [True] * n, created,
            strict=True,
        )
    )  # fmt: skip
    links = [(int(i), a) for i, hit in zip(ids, hits, strict=True) for a in hit]
    names = ", ".join(INCIDENT_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY incidents_incident ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            with raw.copy("COPY incidents_incidentarea (incident_id, area_id) FROM STDIN") as copy:
                for link in links:
                    copy.write_row(link)
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('incidents_incident', 'id'), "
                "(SELECT MAX(id) FROM incidents_incident))"
            )
        else:
            marks = ", ".join(["%s"] * len(INCIDENT_COLUMNS))
            cursor.executemany(f"INSERT INTO incidents_incident ({names}) VALUES ({marks})", rows)
            cursor.executemany(
                "INSERT INTO incidents_incidentarea (incident_id, area_id) VALUES (%s, %s)", links
            )
        cursor.execute("ANALYZE")


def time_page(p: Any, user: Any, params: dict[str, str], repeat: int) -> tuple[float, float, float]:
    """Median and fastest wall-clock time, and the median CPU time of this process (ms).

    On a shared machine the CPU time shows how much of the wall time was our own work; with
    PostgreSQL it leaves out the database server's share."""
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("picture", kwargs={"slug": p.slug})
    response = client.get(url, params)  # warm-up (imports, caches)
    if response.status_code != 200:
        raise SystemExit(f"The picture page answered {response.status_code} for {params}.")
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, params)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200
    return statistics.median(times), min(times), statistics.median(cpu)


def csv_bytes(n: int, rng: np.random.Generator) -> bytes:
    from samtrygg.incidents.models import SEED_CATEGORIES

    cols = synthetic_columns(n, rng)
    local = (
        (cols["t"] + 3600).astype("datetime64[s]").astype("datetime64[m]").astype(str)
    )  # roughly Swedish time; the import converts back to UTC
    lines = ["id,category,time,lon,lat,place,assessment,description"]
    cats = np.asarray(SEED_CATEGORIES, dtype=object)[cols["category"]]
    for i in range(n):
        lines.append(
            f"B{i},{cats[i]},{local[i].replace('T', ' ')},{cols['lon'][i]},{cols['lat'][i]},"
            f"Plats {i % 50},{cols['assessment'][i]},"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def time_import(n: int, rng: np.random.Generator) -> tuple[float, int]:
    from shapely.geometry import box

    from samtrygg.areas import services as area_services
    from samtrygg.incidents.importing import import_incidents
    from samtrygg.partnerships.models import Organisation, Partnership

    p = Partnership.objects.create(name=f"Import {n}", slug=f"import-{n}")
    org = Organisation.objects.create(partnership=p, name="Skolan", slug="skolan", kind="skola")
    # The same three areas as the picture's partnership, so that the timed import also links
    # every incident to the areas containing it, as a real import does.
    for name, bounds in AREAS:
        area_services.create_drawn_area(p, name, box(*bounds), None)
    data = csv_bytes(n, rng)
    start = time.perf_counter()
    summary = import_incidents(p, org, data, f"bench-{n}.csv")
    seconds = time.perf_counter() - start
    return seconds, summary.created


def main() -> None:
    args = parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    rng = np.random.default_rng(args.seed)
    with tempfile.TemporaryDirectory(prefix="samtrygg-bench-") as tmp:
        workdir = Path(tmp)
        url, created = prepare_database(args.database_url, workdir)
        try:
            setup_django(url, workdir)
            from django.db import connection

            load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
            print(
                f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
                f"{os.cpu_count()} CPUs, load average {load:.1f} at start"
            )
            for n in sizes:
                run_size(n, rng, args)
            connection.close()
        finally:
            if created:
                from django.db import connections

                connections.close_all()
                drop_database(url)


def run_size(n: int, rng: np.random.Generator, args: argparse.Namespace) -> None:
    start = time.perf_counter()
    p, users = build_partnership(n, rng)
    print(f"\n{n:,} incidents built in {time.perf_counter() - start:.1f} s")
    for period in ("week", "quarter", "year"):
        for role in ("coordinator", "viewer"):
            ms, fastest, cpu = time_page(p, users[role], {"period": period}, args.repeat)
            flag = ""
            if n == 100_000 and period == "week" and role == "coordinator":
                flag = "  (target < 300 ms: " + ("met" if ms < PAGE_TARGET_MS else "MISSED") + ")"
            print(
                f"  picture {period:<8} {role:<12} median {ms:7.1f} ms  (min {fastest:7.1f}, "
                f"CPU {cpu:7.1f}){flag}"
            )
    if not args.skip_import:
        try:
            seconds, created = time_import(n, rng)
        except Exception as exc:  # report and carry on with the next size
            print(f"  import of {n:,} rows failed: {type(exc).__name__}: {str(exc)[:200]}")
        else:
            print(
                f"  import {created:,} rows from CSV in {seconds:.2f} s = "
                f"{created / seconds:,.0f} rows/s (target on PostgreSQL >= 20,000)"
            )


if __name__ == "__main__":
    main()
