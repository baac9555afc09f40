"""Weekly pictures kept in a worker's memory: shared by those who see the same, never stale."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from samtrygg.picture import kept
from tests.conftest import World
from tests.picture.test_picture import MONDAY, add, data, get_picture  # noqa: F401


def _total(response: Any) -> int:
    return int(response.context["pic"].by_category.total.count)


def test_viewers_share_one_kept_picture_and_a_new_report_shows_at_once(
    data: World,  # noqa: F811
    client_for: Any,
) -> None:
    from samtrygg.incidents.models import Category, Incident

    first = get_picture(client_for("viewer"), data).context["pic"]
    # Another viewer gets the same object: it was computed once.
    assert get_picture(client_for("viewer"), data).context["pic"] is first
    # Staff and reporters have their own (they see different things).
    staff = get_picture(client_for("coordinator"), data).context["pic"]
    reporter = get_picture(client_for("reporter"), data).context["pic"]
    assert staff is not first and reporter is not first and staff is not reporter
    assert get_picture(client_for("analyst"), data).context["pic"] is staff
    # A report saved through the form's path (a save, with its signal) is counted at once.
    cat = Category.objects.get(partnership=data.a, name="inbrott")
    before = _total(get_picture(client_for("coordinator"), data))
    Incident.objects.create(
        partnership=data.a, organisation=data.kommun, category=cat,
        occurred_from=MONDAY + timedelta(hours=3), occurred_to=MONDAY + timedelta(hours=3),
    )  # fmt: skip
    assert _total(get_picture(client_for("coordinator"), data)) == before + 1


def test_bulk_writes_without_signals_also_renew_the_kept_pictures(
    data: World,  # noqa: F811
    client_for: Any,
) -> None:
    before = _total(get_picture(client_for("coordinator"), data))
    # Imports insert with COPY and link in bulk: no signal, the linking renews the version.
    add(data, "inbrott", MONDAY + timedelta(hours=5), n=3)
    assert _total(get_picture(client_for("coordinator"), data)) == before + 3


def test_pictures_are_kept_only_in_memory_and_for_a_while(
    data: World,  # noqa: F811
    client_for: Any,
    monkeypatch: Any,
) -> None:
    from django.core.cache import cache

    get_picture(client_for("coordinator"), data)
    # Report texts stay out of the shared (file) cache; the test cache stores pickled values.
    stored = list(getattr(cache, "_cache", {}).values())
    assert not any(b"beskrivning" in value for value in stored if isinstance(value, bytes))
    assert any(
        "beskrivning" in r.description for p in kept._kept.values() for pl in p[1].places
        for r in pl.reports
    )  # fmt: skip
    assert kept._kept
    monkeypatch.setattr(kept, "KEEP_SECONDS", -1)
    kept.forget_all()
    first = get_picture(client_for("coordinator"), data).context["pic"]
    assert get_picture(client_for("coordinator"), data).context["pic"] is not first


def test_many_requests_for_a_missing_picture_build_it_once(monkeypatch: Any) -> None:
    import threading
    import time

    monkeypatch.setattr(kept, "key", lambda user, access, filters: ("one", "picture"))
    kept.forget_all()
    builds = []

    def build() -> object:
        builds.append(1)
        time.sleep(0.2)  # the others arrive while it is being built
        return object()

    got = []
    threads = [
        threading.Thread(target=lambda: got.append(kept.picture(None, None, None, build)))  # type: ignore[arg-type]
        for _i in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(builds) == 1 and len(got) == 8 and len({id(g) for g in got}) == 1


def test_the_area_filter_lists_every_area_and_keeps_the_choice(
    data: World,  # noqa: F811
    client_for: Any,
) -> None:
    html = get_picture(client_for("viewer"), data, area=str(data.drawn_area.pk)).content.decode()
    select = html[
        html.index('<select name="area"') : html.index(
            "</select>", html.index('<select name="area"')
        )
    ]
    assert 'id="id_area"' in select
    assert f'<option value="{data.drawn_area.pk}" selected>Centrum</option>' in select
    assert '<option value="">' in select  # "All areas"


def test_a_viewers_picture_is_shared_with_the_other_workers_and_staffs_is_not(
    data: World,  # noqa: F811
    client_for: Any,
    monkeypatch: Any,
) -> None:
    from django.core.cache import cache

    from samtrygg.picture import services

    first = _total(get_picture(client_for("viewer"), data))
    get_picture(client_for("coordinator"), data)
    shared = [name for name in cache._cache if "picture:viewers:" in name]  # type: ignore[attr-defined]
    assert len(shared) == 1  # the viewers' picture only
    # Another worker (nothing kept in its memory) loads it instead of computing it again.
    kept.forget_all()

    def no_build(*args: Any) -> None:
        raise AssertionError("computed again")

    monkeypatch.setattr(services, "build_picture", no_build)
    assert _total(get_picture(client_for("viewer"), data)) == first
    # Staff's picture was never shared: it must be computed.
    with pytest.raises(AssertionError, match="computed again"):
        get_picture(client_for("coordinator"), data)


def test_the_category_filter_keeps_the_choice(
    data: World,  # noqa: F811
    client_for: Any,
) -> None:
    from samtrygg.incidents.models import Category

    cat = Category.objects.get(partnership=data.a, name="inbrott")
    response = get_picture(client_for("viewer"), data, category=str(cat.pk))
    assert response.context["pic"].filters.category == cat
    html = response.content.decode()
    start = html.index('<select name="category"')
    select = html[start : html.index("</select>", start)]
    assert f'<option value="{cat.pk}" selected>inbrott</option>' in select
    assert select.count("<option") == Category.objects.filter(partnership=data.a).count() + 1
