"""The EST report form: several events, time bands, places, refusals, and what gets saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from samtrygg.incidents.categories import seed_categories
from samtrygg.incidents.models import Category, Incident, Report, Sharing, Source

# A Friday in the past: "natten till lördag" is the night band on this date.
FRIDAY = "2025-11-21"
PERSONNUMMER = "811218-9876"  # A valid Luhn check digit: refused.


def event(category: Category, **overrides: str) -> dict[str, str]:
    """One event as the form posts it (inside the Centrum area, at an exact past time)."""
    data = {
        "category": str(category.pk),
        "place": "Torget",
        "lon": "14.515",
        "lat": "59.33",
        "time_band": "exact",
        "occurred_at": "2025-11-20T14:30",
        "date": "",
        "assessment": "2",
        "description": "Klotter på busskuren vid torget.",
    }
    data.update(overrides)
    return data


def post_data(
    *events: dict[str, str], sharing: str = Sharing.PARTNERSHIP, **extra: str
) -> dict[str, str]:
    data = {
        "event-TOTAL_FORMS": str(len(events)),
        "event-INITIAL_FORMS": "0",
        "event-MIN_NUM_FORMS": "1",
        "event-MAX_NUM_FORMS": "20",
        "sharing": sharing,
    }
    for i, e in enumerate(events):
        data.update({f"event-{i}-{k}": v for k, v in e.items()})
    data.update(extra)
    return data


def url(world: Any) -> str:
    return reverse("incident-report", kwargs={"slug": world.a.slug})


@pytest.fixture
def categories(world: Any) -> dict[str, Category]:
    return {c.name: c for c in seed_categories(world.a)}


def en(client: Any) -> Any:
    """The client with English chosen (the switch's cookie), for stable message texts."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_form_offers_the_seed_categories_to_a_new_partnership(world: Any, client_for: Any) -> None:
    response = client_for("reporter").get(url(world))
    assert response.status_code == 200
    assert Category.objects.filter(partnership=world.a).count() == 14
    html = response.content.decode()
    assert "skadegörelse/klotter" in html
    assert "samtrygg/report.js" in html
    assert 'id="known-places"' in html and 'value="Centrum"' in html
    assert 'data-draft-key="samtrygg-report:alfa:' in html


def test_form_reminds_reporters_to_describe_places_not_people(world: Any, client_for: Any) -> None:
    html = en(client_for("reporter")).get(url(world)).content.decode()
    assert "Describe places and situations, not people." in html
    assert "Draft saved on this device" in html


def test_reporter_files_a_report_and_the_coordinator_sees_it(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    client = client_for("reporter")
    response = client.post(url(world), post_data(event(categories["skadegörelse/klotter"])))
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("incident-list", args=["alfa"]) + f"?sent={report.pk}"
    incident = Incident.objects.get()
    assert (incident.organisation, incident.report, incident.source) == (
        world.school,
        report,
        Source.FORM,
    )
    assert incident.created_by == world.users["reporter"]
    assert incident.occurred_from == datetime(2025, 11, 20, 13, 30, tzinfo=UTC)
    assert incident.occurred_from == incident.occurred_to
    assert incident.assessment == 2 and incident.place == "Torget"
    assert list(incident.areas.all()) == [world.drawn_area]
    assert incident in Incident.objects.visible_to(world.users["coordinator"], world.a)

    done = client.get(response["Location"])
    assert done.status_code == 200
    assert b"data-clear-draft" in done.content


def test_personnummer_in_the_text_is_refused_and_nothing_is_saved(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    text = f"Eleven {PERSONNUMMER} klottrade."
    response = client_for("reporter").post(
        url(world), post_data(event(categories["brand"], description=text))
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Texten innehåller ett personnummer (tecken 8–18)" in html
    assert PERSONNUMMER not in html.split("<textarea")[0]  # Not repeated in the messages.
    assert not Report.objects.exists() and not Incident.objects.exists()


def test_personal_data_message_follows_the_active_language(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    response = en(client_for("reporter")).post(
        url(world),
        post_data(
            event(categories["brand"], description="Ring 070-123 45 67 eller a.b@example.se")
        ),
    )
    html = response.content.decode()
    assert "The text contains a phone number (characters 6–18) and an e-mail address" in html
    assert "Event 1, description:" in html
    assert not Incident.objects.exists()


def test_personal_data_in_the_place_is_refused(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    response = en(client_for("reporter")).post(
        url(world), post_data(event(categories["brand"], place="hos a.b@example.se"))
    )
    assert "Event 1, place: The text contains an e-mail address" in response.content.decode()
    assert not Incident.objects.exists()


def test_several_events_in_one_report(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    client_for("housing_reporter").post(
        url(world),
        post_data(
            event(categories["brand"]),
            event(categories["nedskräpning"], lon="14.52", lat="59.335", assessment="1"),
            event(categories["otrygg plats"], time_band="evening", date=FRIDAY, assessment="3"),
            sharing=Sharing.ORGANISATION,
        ),
    )
    report = Report.objects.get()
    incidents = list(report.incidents.order_by("pk"))
    assert [i.category.name for i in incidents] == ["brand", "nedskräpning", "otrygg plats"]
    assert {i.organisation for i in incidents} == {world.housing}
    assert {i.sharing for i in incidents} == {Sharing.ORGANISATION} == {report.sharing}
    assert [i.assessment for i in incidents] == [2, 1, 3]


def test_a_blank_added_event_is_ignored_and_a_left_out_one_is_not_sent(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    blank = {"time_band": "exact"}
    left_out = event(categories["inbrott"], DELETE="on", assessment="")
    client_for("reporter").post(url(world), post_data(event(categories["brand"]), blank, left_out))
    assert [i.category.name for i in Incident.objects.all()] == ["brand"]


@pytest.mark.parametrize(
    ("band", "day", "start", "end"),
    [
        # Natten till lördag: Friday 22:00 to Saturday 06:00 local (CET, UTC+1).
        (
            "night",
            FRIDAY,
            datetime(2025, 11, 21, 21, tzinfo=UTC),
            datetime(2025, 11, 22, 5, tzinfo=UTC),
        ),
        # In summer (CEST, UTC+2).
        (
            "night",
            "2025-06-06",
            datetime(2025, 6, 6, 20, tzinfo=UTC),
            datetime(2025, 6, 7, 4, tzinfo=UTC),
        ),
        (
            "morning",
            FRIDAY,
            datetime(2025, 11, 21, 5, tzinfo=UTC),
            datetime(2025, 11, 21, 9, tzinfo=UTC),
        ),
        (
            "day",
            FRIDAY,
            datetime(2025, 11, 21, 9, tzinfo=UTC),
            datetime(2025, 11, 21, 16, tzinfo=UTC),
        ),
        (
            "evening",
            FRIDAY,
            datetime(2025, 11, 21, 16, tzinfo=UTC),
            datetime(2025, 11, 21, 21, tzinfo=UTC),
        ),
        (
            "unknown",
            FRIDAY,
            datetime(2025, 11, 20, 23, tzinfo=UTC),
            datetime(2025, 11, 21, 23, tzinfo=UTC),
        ),
    ],
)
def test_time_band_is_stored_as_its_utc_window(
    world: Any,
    client_for: Any,
    categories: dict[str, Category],
    band: str,
    day: str,
    start: datetime,
    end: datetime,
) -> None:
    response = client_for("reporter").post(
        url(world),
        post_data(event(categories["buskörning"], time_band=band, date=day, occurred_at="")),
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert (incident.time_band, incident.occurred_from, incident.occurred_to) == (band, start, end)


def test_future_time_is_refused(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    tomorrow = timezone.localtime() + timedelta(days=1)
    response = en(client_for("reporter")).post(
        url(world),
        post_data(
            event(categories["brand"]),
            event(categories["brand"], occurred_at=tomorrow.strftime("%Y-%m-%dT%H:%M")),
        ),
    )
    assert "Event 2, date and time: The time lies in the future" in response.content.decode()
    assert not Incident.objects.exists()


def test_tonight_band_that_has_not_begun_is_refused(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    later = (timezone.localtime() + timedelta(days=2)).date().isoformat()
    response = en(client_for("reporter")).post(
        url(world), post_data(event(categories["brand"], time_band="night", date=later))
    )
    assert "Event 1, date: The time lies in the future" in response.content.decode()
    assert not Incident.objects.exists()


def test_missing_time_and_category_are_named(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    response = en(client_for("reporter")).post(
        url(world), post_data({**event(categories["brand"], occurred_at=""), "category": ""})
    )
    html = response.content.decode()
    assert "Event 1, category:" in html
    assert "Event 1, date and time: Give the date and time" in html
    assert not Incident.objects.exists()


def test_place_outside_the_municipalities_is_refused(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    from samtrygg.areas.services import set_municipalities

    set_municipalities(world.a, ["1883"], None)  # Karlskoga only.
    degerfors = event(categories["brand"], lon="14.43", lat="59.24")
    response = en(client_for("reporter")).post(
        url(world), post_data(event(categories["brand"]), degerfors)
    )
    html = response.content.decode()
    assert "Event 2, place: The place lies outside the partnership&#x27;s municipalities" in html
    assert not Incident.objects.exists()


def test_without_municipalities_a_place_must_lie_in_sweden(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    oslo = event(categories["brand"], lon="10.75", lat="59.91")
    response = en(client_for("reporter")).post(url(world), post_data(oslo))
    assert "Event 1, place: The place lies outside Sweden" in response.content.decode()
    assert not Incident.objects.exists()


def test_known_area_without_a_click_uses_its_representative_point(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    client_for("reporter").post(
        url(world),
        post_data(event(categories["belysning/mörk plats"], place="centrum", lon="", lat="")),
    )
    incident = Incident.objects.get()
    assert incident.place == "centrum"
    assert 14.50 < incident.lon < 14.53 and 59.32 < incident.lat < 59.34
    assert list(incident.areas.all()) == [world.drawn_area]


def test_earlier_place_name_is_known_to_those_who_saw_it(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    client = en(client_for("reporter"))
    client.post(
        url(world),
        post_data(event(categories["brand"], place="Skolgården", lon="14.52", lat="59.335")),
    )
    assert "Skolgården" in client.get(url(world)).content.decode()
    client.post(
        url(world), post_data(event(categories["brand"], place="skolgården", lon="", lat=""))
    )
    assert [(i.lon, i.lat) for i in Incident.objects.all()] == [(14.52, 59.335)] * 2


def test_unknown_place_without_a_click_is_refused(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    response = en(client_for("reporter")).post(
        url(world), post_data(event(categories["brand"], place="Någonstans", lon="", lat=""))
    )
    assert "Event 1, place: The partnership does not know this place" in response.content.decode()
    assert not Incident.objects.exists()


def test_retired_category_is_not_offered(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    retired = categories["arrangemang"]
    retired.retired_at = timezone.now()
    retired.save()
    client = en(client_for("reporter"))
    assert "arrangemang" not in client.get(url(world)).content.decode()
    response = client.post(url(world), post_data(event(retired)))
    assert "Event 1, category:" in response.content.decode()
    assert not Incident.objects.exists()


def test_coordinator_chooses_the_reporting_organisation(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    client = client_for("coordinator")
    assert 'name="organisation"' in client.get(url(world)).content.decode()
    client.post(
        url(world), post_data(event(categories["brand"]), organisation=str(world.housing.pk))
    )
    assert Incident.objects.get().organisation == world.housing


def test_reporter_cannot_choose_another_organisation(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    client = client_for("reporter")
    assert 'name="organisation"' not in client.get(url(world)).content.decode()
    client.post(
        url(world), post_data(event(categories["brand"]), organisation=str(world.housing.pk))
    )
    assert Incident.objects.get().organisation == world.school


def test_analyst_without_an_organisation_cannot_report(world: Any, client_for: Any) -> None:
    assert client_for("analyst").get(url(world)).status_code == 403


def test_analyst_with_an_organisation_reports_for_it(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    membership = world.memberships["analyst"]
    membership.organisation = world.kommun
    membership.save()
    client_for("analyst").post(url(world), post_data(event(categories["brand"])))
    assert Incident.objects.get().organisation == world.kommun


def test_category_of_another_partnership_is_refused(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    foreign = seed_categories(world.b)[0]
    client_for("reporter").post(url(world), post_data(event(foreign)))
    assert not Incident.objects.exists()


def test_a_reporter_is_limited_to_a_number_of_reports_an_hour(
    world: Any, client_for: Any, settings: Any
) -> None:
    settings.REPORTS_PER_HOUR = 2
    category = {c.name: c for c in seed_categories(world.a)}["nedskräpning"]
    client = client_for("reporter")
    url = reverse("incident-report", args=[world.a.slug])
    for _ in range(2):
        assert client.post(url, post_data(event(category))).status_code == 302
    refused = client.post(url, post_data(event(category, description="Tredje rapporten")))
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Tredje rapporten" in html  # the form keeps what was written
    assert Incident.objects.count() == 2
    # Another person is not affected.
    other = client_for("housing_reporter")
    assert other.post(url, post_data(event(category))).status_code == 302
