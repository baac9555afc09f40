"""The police events reader against the real archive, each quirk, and the polite poller."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from samtrygg.sources.errors import FetchError, SourceError
from samtrygg.sources.polisen import RateLimiter, fetch_live, read_polisen_events
from tests.datafiles import data_file

WANTED = {"1883": "Karlskoga", "1862": "Degerfors"}


def record(**overrides: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": 1,
        "datetime": "2026-08-18 17:29:06 +02:00",
        "name": "18 augusti 16.46, Rattfylleri, Karlskoga",
        "summary": "En bilist är misstänkt för brott i Mosserud",
        "url": "/aktuellt/handelser/2026/augusti/18/18-augusti-16.46-rattfylleri-karlskoga/",
        "type": "Rattfylleri",
        "location": {"name": "Örebro län", "gps": "59.535036,15.006573"},
    }
    rec.update(overrides)
    return rec


def read(*records: dict[str, Any], municipalities: dict[str, str] | None = None) -> Any:
    return read_polisen_events(json.dumps(list(records)).encode(), municipalities)


# --------------------------------------------------------------------------- real data


def test_karlskoga_degerfors_file_gives_every_event_with_its_municipality() -> None:
    result = read_polisen_events(data_file("polisen/events_karlskoga_degerfors.json"))
    assert len(result) == 351
    assert result.skipped == {}
    by_location = Counter((e.county or e.place) for e in result.rows)
    assert by_location == {"Karlskoga": 224, "Degerfors": 79, "Örebro län": 48}
    assert Counter(e.municipality_code for e in result.rows) == {"1883": 259, "1862": 92}
    assert all(e.resolution == "kommun" for e in result.rows)
    county_rows = [e for e in result.rows if e.county is not None]
    assert {e.gps_level for e in county_rows} == {"län"}
    assert all(e.url.startswith("https://polisen.se/aktuellt/handelser/") for e in result.rows)
    for e in result.rows:
        assert e.published_at.tzinfo is not None and e.published_at.utcoffset().total_seconds() == 0
        assert e.occurred_at is not None and e.occurred_at.utcoffset().total_seconds() == 0
        assert round(e.lat, 6) == e.lat and round(e.lon, 6) == e.lon


# The archive's subset in tests/data: Örebro län, all of Sweden over the 2024/25 year end, the
# municipalities the archive spells its own way and one event of every place name
# (tests/data/polisen/make_subset.py).
ARCHIVE = "polisen/events_subset.json.gz"


def _archive_records(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        records: list[dict[str, Any]] = json.load(fh)
    return records


def _independent_ids(records: list[dict[str, Any]]) -> set[int]:
    ids = set()
    for ev in records:
        loc = ev["location"]["name"]
        if loc in ("Karlskoga", "Degerfors") or (
            loc == "Örebro län" and ev["name"].endswith((", Karlskoga", ", Degerfors"))
        ):
            ids.add(ev["id"])
    return ids


def test_archive_filtered_to_two_municipalities_matches_an_independent_count() -> None:
    path = data_file(ARCHIVE)
    start = time.perf_counter()
    result = read_polisen_events(path, WANTED)
    elapsed = time.perf_counter() - start
    records = _archive_records(path)
    expected = _independent_ids(records)
    assert len(expected) == 351
    assert {e.id for e in result.rows} == expected
    assert len(result) == len(expected)
    assert result.skipped == {"outside the chosen municipalities": len(records) - len(expected)}
    assert {e.place for e in result.rows} == {"Karlskoga", "Degerfors"}
    print(f"{len(records):,} events filtered to 2 municipalities in {elapsed:.2f} s")


def test_whole_archive_parses_with_every_time_and_resolution() -> None:
    path = data_file(ARCHIVE)
    records = _archive_records(path)
    start = time.perf_counter()
    result = read_polisen_events(path.read_bytes())
    elapsed = time.perf_counter() - start
    print(f"{len(records):,} events parsed in {elapsed:.2f} s")
    assert len(result) == len(records) == result.n_records
    # Every municipality and a year end (31 December reported on 1 January) are in the subset.
    assert len({e.municipality_code for e in result.rows} - {None}) == 290
    assert any(
        e.published_at.year == 2025 and e.occurred_at and e.occurred_at.year == 2024
        for e in result.rows
    )
    assert all(e.occurred_at is not None for e in result.rows)
    # The incident time lies within weeks of publication, never a year off (year-end handling).
    gaps = [(e.occurred_at - e.published_at).total_seconds() for e in result.rows]  # type: ignore[operator]
    assert max(abs(g) for g in gaps) < 40 * 86400
    assert {e.resolution for e in result.rows} <= {"kommun", "län"}
    assert all(e.municipality_code is not None for e in result.rows if e.resolution == "kommun")
    spelled = {
        e.place
        for e in result.rows
        if e.municipality_code in ("0114", "0139", "1438", "1462", "1256")
    }
    assert spelled == {"Upplands Väsby", "Upplands-Bro", "Dals-Ed", "Lilla Edet", "Östra Göinge"}
    summaries = sum(r["type"].startswith("Sammanfattning") for r in records)
    assert sum(e.is_summary for e in result.rows) == summaries > 1000


# --------------------------------------------------------------------------- quirks


def test_unpadded_hour_is_parsed_and_stored_as_utc() -> None:
    [ev] = read(record(datetime="2026-08-22 9:48:12 +02:00")).rows
    assert ev.published_at == datetime(2026, 8, 22, 7, 48, 12, tzinfo=UTC)


def test_incident_time_comes_from_name_in_swedish_local_time() -> None:
    [ev] = read(record()).rows
    assert ev.occurred_at == datetime(2026, 8, 18, 14, 46, tzinfo=UTC)


def test_old_colon_separator_in_name_is_accepted() -> None:
    [ev] = read(
        record(
            name="22 mars 12:29, Trafikbrott, Karlskoga",
            type="Trafikbrott",
            datetime="2023-03-22 12:36:31 +01:00",
            url="/aktuellt/handelser/2023/mars/22/22-mars-1229-trafikbrott/",
        )
    ).rows
    assert ev.occurred_at == datetime(2023, 3, 22, 11, 29, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "published", "url_year", "expected"),
    [
        # Published just after midnight on New Year's Day; url with either year.
        (
            "31 december 23.50, Brand, Karlskoga",
            "2024-01-01 0:40:00 +01:00",
            2024,
            datetime(2023, 12, 31, 22, 50, tzinfo=UTC),
        ),
        (
            "31 december 23.50, Brand, Karlskoga",
            "2024-01-01 0:40:00 +01:00",
            2023,
            datetime(2023, 12, 31, 22, 50, tzinfo=UTC),
        ),
        (
            "31 december 22.37, Brand, Karlskoga",
            "2026-01-01 7:23:59 +01:00",
            2026,
            datetime(2025, 12, 31, 21, 37, tzinfo=UTC),
        ),
        # A name time slightly after publication, across the year-end the other way.
        (
            "01 januari 00.05, Brand, Karlskoga",
            "2025-12-31 23:58:00 +01:00",
            2025,
            datetime(2025, 12, 31, 23, 5, tzinfo=UTC),
        ),
    ],
)
def test_year_end_takes_the_year_closest_to_publication(
    name: str, published: str, url_year: int, expected: datetime
) -> None:
    url = f"/aktuellt/handelser/{url_year}/december/31/x/"
    [ev] = read(record(name=name, type="Brand", datetime=published, url=url)).rows
    assert ev.occurred_at == expected


def test_commas_in_types_and_labels_are_never_split() -> None:
    [ev] = read(
        record(name="18 augusti 16.46, Stöld, försök, Degerfors", type="Stöld, försök")
    ).rows
    assert (ev.type, ev.name_type, ev.place, ev.municipality_code) == (
        "Stöld, försök",
        "Stöld, försök",
        "Degerfors",
        "1862",
    )


def test_detonation_label_stands_for_explosion() -> None:
    [ev] = read(
        record(
            name="07 september 00.38, Detonation, Malmö",
            type="Explosion",
            location={"name": "Malmö", "gps": "55.604981,13.003822"},
        )
    ).rows
    assert (ev.type, ev.name_type, ev.place, ev.resolution) == (
        "Explosion",
        "Detonation",
        "Malmö",
        "kommun",
    )


def test_county_row_with_empty_place_stays_at_county_level() -> None:
    [ev] = read(
        record(
            name="20 maj 13.09, Trafikkontroll, ",
            type="Trafikkontroll",
            location={"name": "Västerbottens län", "gps": "64.0,19.0"},
        )
    ).rows
    assert (ev.place, ev.municipality_code, ev.resolution, ev.county) == (
        "Västerbottens län",
        None,
        "län",
        "Västerbottens län",
    )


def test_county_suffix_of_another_county_is_not_trusted() -> None:
    # Karlskoga lies in Örebro län, not in Värmlands län.
    [ev] = read(record(location={"name": "Värmlands län", "gps": "59.7,13.2"})).rows
    assert ev.resolution == "län" and ev.municipality_code is None


def test_police_spellings_resolve_to_scb_names() -> None:
    rows = read(
        record(
            id=1,
            name="1 maj 10.00, Brand, Upplands väsby",
            type="Brand",
            location={"name": "Upplands väsby", "gps": "59.5,17.9"},
        ),
        record(
            id=2,
            name="1 maj 10.00, Anträffat gods, Upplands-Bro",
            type="Upphittat föremål",
            location={"name": "Stockholms län", "gps": "59.3,18.0"},
        ),
        record(
            id=3,
            name="1 maj 10.00, Brand, Dals-ed",
            type="Brand",
            location={"name": "DALS-ED", "gps": "58.9,11.9"},
        ),
    ).rows
    assert [(e.place, e.municipality_code, e.resolution) for e in rows] == [
        ("Upplands Väsby", "0114", "kommun"),
        ("Upplands-Bro", "0139", "kommun"),
        ("Dals-Ed", "1438", "kommun"),
    ]


def test_gps_is_latitude_first_and_rounded() -> None:
    [ev] = read(record(location={"name": "Karlskoga", "gps": "58.345364000000004,14.5"})).rows
    assert (ev.lat, ev.lon, ev.gps_level) == (58.345364, 14.5, "kommun")


def test_summary_events_are_flagged() -> None:
    rows = read(
        record(
            id=1,
            type="Sammanfattning natt",
            name="21 mars 06.54, Sammanfattning natt, Örebro län",
            location={"name": "Örebro län", "gps": "59.5,15.0"},
        ),
        record(
            id=2,
            type="Sammanfattning kväll och natt",
            name="21 mars 06.00, Sammanfattning kväll och natt, Karlskoga",
            location={"name": "Karlskoga", "gps": "59.3,14.5"},
        ),
        record(id=3),
    ).rows
    assert [e.is_summary for e in rows] == [True, True, False]


def test_duplicates_by_id_are_kept_once_and_counted() -> None:
    result = read(record(id=7), record(id=7, summary="changed"), record(id=8))
    assert [e.id for e in result.rows] == [7, 8]
    assert result.rows[0].summary.startswith("En bilist")
    assert result.skipped == {"duplicate id": 1}


def test_filter_matches_location_or_county_suffix_case_insensitively() -> None:
    result = read(
        record(id=1, location={"name": "karlskoga", "gps": "59.3,14.5"}),
        record(id=2),  # Örebro län, suffix Karlskoga
        record(
            id=3,
            name="18 augusti 16.46, Rattfylleri, Örebro",
            location={"name": "Örebro län", "gps": "59.5,15.0"},
        ),
        record(id=4, name="18 augusti 16.46, Rattfylleri, Örebro län"),
        municipalities={"1883": "Karlskoga"},
    )
    assert [e.id for e in result.rows] == [1, 2]
    assert result.skipped == {"outside the chosen municipalities": 2}


def test_gzip_bytes_and_paths_are_read(tmp_path: Path) -> None:
    payload = json.dumps([record()]).encode()
    path = tmp_path / "events.json.gz"
    path.write_bytes(gzip.compress(payload))
    assert len(read_polisen_events(gzip.compress(payload))) == 1
    assert len(read_polisen_events(path)) == 1
    assert len(read_polisen_events(str(path))) == 1


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[{", "not valid JSON"),
        (b'{"id": 1}', "not a JSON list"),
        (b'["\xe5"]', "not UTF-8"),
        (gzip.compress(b"[1", mtime=0)[:-4], "damaged"),
    ],
)
def test_unreadable_files_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        read_polisen_events(data)


def test_every_bad_record_is_listed_with_index_and_field() -> None:
    bad_gps = record(id=3, location={"name": "Karlskoga", "gps": "14.5 59.3"})
    no_type = record(id=2)
    del no_type["type"]
    with pytest.raises(SourceError) as info:
        read(
            record(id=1),
            no_type,
            bad_gps,
            "text",  # type: ignore[arg-type]
            record(id=5, datetime="2026-08-18T17:29"),
        )
    found = [(e.row, e.field) for e in info.value.errors]
    assert found == [(1, "type"), (2, "location.gps"), (3, None), (4, "datetime")]
    assert "4 problems" in str(info.value)


def test_missing_file_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot be read"):
        read_polisen_events(tmp_path / "missing.json")


# --------------------------------------------------------------------------- polling


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def limiter(path: Path, clock: FakeClock, **kw: Any) -> RateLimiter:
    return RateLimiter(path, clock=clock, sleep=clock.sleep, **kw)


def test_rate_limiter_waits_ten_seconds_between_calls(tmp_path: Path) -> None:
    clock = FakeClock()
    rl = limiter(tmp_path / "state.json", clock)
    rl.acquire()
    clock.now += 3
    rl.acquire()
    assert clock.slept == [7.0]
    clock.now += 60
    rl.acquire()
    assert clock.slept == [7.0]


def test_rate_limiter_allows_sixty_calls_an_hour_across_instances(tmp_path: Path) -> None:
    clock = FakeClock()
    state = tmp_path / "state.json"
    for _ in range(60):
        limiter(state, clock, max_wait=10).acquire()  # a fresh process each time
        clock.now += 15
    assert limiter(state, clock).delay() == pytest.approx(3600 - 60 * 15)
    with pytest.raises(FetchError, match="60 calls an hour"):
        limiter(state, clock, max_wait=10).acquire()
    clock.now += 3600 - 60 * 15
    limiter(state, clock, max_wait=10).acquire()


def test_rate_limiter_keeps_to_the_daily_limit(tmp_path: Path) -> None:
    clock = FakeClock()
    rl = limiter(tmp_path / "s.json", clock, max_per_hour=10_000, max_per_day=3, max_wait=20)
    for _ in range(3):
        rl.acquire()
    with pytest.raises(FetchError):
        rl.acquire()


def test_a_limiter_waits_for_another_process_holding_the_state_lock(tmp_path: Path) -> None:
    fcntl = pytest.importorskip("fcntl")
    import threading

    state = tmp_path / "s.json"
    outcome: list[object] = []

    def call() -> None:
        try:
            RateLimiter(state, max_wait=0).acquire()
            outcome.append("called")
        except FetchError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=call)
    with open(tmp_path / "s.json.lock", "a+b") as other:  # another process's lock
        fcntl.flock(other.fileno(), fcntl.LOCK_EX)
        thread.start()
        thread.join(0.3)
        assert thread.is_alive() and outcome == []  # blocked on the lock, nothing recorded
        # The other process records its call and releases the lock: this one must see it.
        state.write_text(json.dumps({"calls": [time.time()]}), "utf-8")
        fcntl.flock(other.fileno(), fcntl.LOCK_UN)
    thread.join(5)
    assert len(outcome) == 1 and isinstance(outcome[0], FetchError)
    assert len(json.loads(state.read_text("utf-8"))["calls"]) == 1


def test_fetch_live_sends_a_descriptive_user_agent(tmp_path: Path) -> None:
    seen: list[urllib.request.Request] = []

    class Response:
        def read(self) -> bytes:
            return json.dumps([record()]).encode()

    def opener(request: urllib.request.Request, timeout: float) -> Response:
        seen.append(request)
        return Response()

    clock = FakeClock()
    data = fetch_live(
        "Samtrygg/0.1 (kontakt@karlskoga.se)",
        state_path=tmp_path / "s.json",
        params={"locationname": "Karlskoga;Degerfors"},
        opener=opener,
        limiter=limiter(tmp_path / "s.json", clock),
    )
    assert len(read_polisen_events(data)) == 1
    [request] = seen
    assert request.full_url == "https://polisen.se/api/events?locationname=Karlskoga;Degerfors"
    assert request.get_header("User-agent") == "Samtrygg/0.1 (kontakt@karlskoga.se)"


def test_fetch_live_refuses_anonymous_user_agents(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="User-Agent"):
        fetch_live("Python-urllib/3.11", state_path=tmp_path / "s.json")


def test_fetch_live_explains_http_429(tmp_path: Path) -> None:
    def opener(request: urllib.request.Request, timeout: float) -> Any:
        raise urllib.error.HTTPError(request.full_url, 429, "Too Many", {}, None)  # type: ignore[arg-type]

    clock = FakeClock()
    with pytest.raises(FetchError, match="429"):
        fetch_live(
            "Samtrygg/0.1 (kontakt@karlskoga.se)",
            state_path=tmp_path / "s.json",
            opener=opener,
            limiter=limiter(tmp_path / "s.json", clock),
        )


def test_sources_never_import_django() -> None:
    code = (
        "import sys, samtrygg.sources.polisen, samtrygg.sources.geodata, "
        "samtrygg.sources.tabular, samtrygg.sources.personal_data, samtrygg.sources.errors; "
        "sys.exit(1 if 'django' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
