"""Correcting, withdrawing and restoring reports: who may, what is checked, what is kept."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from samtrygg.incidents import corrections
from samtrygg.incidents.categories import seed_categories
from samtrygg.incidents.linking import link_incidents
from samtrygg.incidents.models import (
    Category,
    Incident,
    IncidentArea,
    IncidentChange,
    Sharing,
    Source,
)
from tests.conftest import World

STHLM = ZoneInfo("Europe/Stockholm")
PERSONNUMMER = "811218-9876"
CENTRE = (14.515, 59.33)  # inside the drawn area "Centrum"
OUTSIDE = (14.60, 59.33)  # in Sweden, outside every area


@pytest.fixture
def categories(world: World) -> dict[str, Category]:
    return {c.name: c for c in seed_categories(world.a)}


def make(world: World, categories: dict[str, Category], **fields: Any) -> Incident:
    """A report the school's reporter sent from the form, in Centrum, linked to its areas."""
    when = datetime(2025, 11, 20, 14, 30, tzinfo=STHLM)
    values: dict[str, Any] = {
        "partnership": world.a,
        "organisation": world.school,
        "created_by": world.users["reporter"],
        "category": categories["skadegörelse/klotter"],
        "occurred_from": when,
        "occurred_to": when,
        "lon": CENTRE[0],
        "lat": CENTRE[1],
        "place": "Torget",
        "assessment": 2,
        "description": "Klotter på busskuren.",
        "sharing": Sharing.PARTNERSHIP,
        "source": Source.FORM,
    }
    values.update(fields)
    incident = Incident.objects.create(**values)
    link_incidents(world.a, incidents=Incident.all_objects.filter(pk=incident.pk))
    return incident


def form_data(incident: Incident, **overrides: str) -> dict[str, str]:
    """The correction form as posted, unchanged except for ``overrides``."""
    data = {
        "category": str(incident.category_id),
        "place": incident.place,
        "lon": "" if incident.lon is None else str(incident.lon),
        "lat": "" if incident.lat is None else str(incident.lat),
        "time_band": incident.time_band,
        "occurred_at": timezone.localtime(incident.occurred_from).strftime("%Y-%m-%dT%H:%M"),
        "date": "",
        "assessment": "" if incident.assessment is None else str(incident.assessment),
        "description": incident.description,
        "sharing": incident.sharing,
        "version": str(incident.version),
    }
    data.update(overrides)
    return {f"correction-{k}": v for k, v in data.items()}


def urls(world: World, incident: Incident, name: str) -> str:
    return reverse(f"incident-{name}", kwargs={"slug": world.a.slug, "pk": incident.pk})


def en(client: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_reporter_corrects_their_own_report_and_the_history_keeps_the_old_values(
    world: World, categories: dict[str, Category], client_for: Any
) -> None:
    incident = make(world, categories)
    client = en(client_for("reporter"))
    page = client.get(urls(world, incident, "correct"))
    assert page.status_code == 200
    assert 'value="Klotter på busskuren."' not in page.content.decode()  # a textarea
    assert "Klotter på busskuren." in page.content.decode()
    data = form_data(
        incident,
        category=str(categories["nedskräpning"].pk),
        description="Skräp vid busskuren.",
        time_band="evening",
        occurred_at="",
        date="2025-11-19",
        sharing=Sharing.ORGANISATION,
    )
    response = client.post(urls(world, incident, "correct"), data)
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.category == categories["nedskräpning"]
    assert incident.description == "Skräp vid busskuren."
    assert incident.sharing == Sharing.ORGANISATION
    assert incident.time_band == "evening"
    assert timezone.localtime(incident.occurred_from) == datetime(2025, 11, 19, 17, tzinfo=STHLM)
    assert incident.version == 1
    change = IncidentChange.objects.get(incident=incident)
    assert change.action == IncidentChange.Action.CORRECTED
    assert change.actor == world.users["reporter"]
    assert change.before["category"] == "skadegörelse/klotter"
    assert change.after["category"] == "nedskräpning"
    assert change.before["description"] == "Klotter på busskuren."
    # Unchanged fields are not in the history.
    assert "place" not in change.before and "point" not in change.after
    detail = client.get(urls(world, incident, "detail")).content.decode()
    assert "History" in detail and "Klotter på busskuren." in detail and "Corrected" in detail


def test_correction_with_personal_data_is_refused_and_nothing_changes(
    world: World, categories: dict[str, Category], client_for: Any
) -> None:
    incident = make(world, categories)
    client = en(client_for("reporter"))
    data = form_data(incident, description=f"Klottrat av {PERSONNUMMER}")
    response = client.post(urls(world, incident, "correct"), data)
    assert response.status_code == 200
    assert "The correction has not been saved" in response.content.decode()
    incident.refresh_from_db()
    assert incident.description == "Klotter på busskuren." and incident.version == 0
    assert not IncidentChange.objects.exists()


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"occurred_at": "2999-01-01T10:00"}, "The time lies in the future"),
        ({"lon": "", "lat": "", "place": "Okändaplatsen"}, "does not know this place"),
        ({"lon": "25.0", "lat": "60.2"}, "outside Sweden"),
        ({"category": "999999"}, "Select a valid choice"),
    ],
)
def test_correction_is_validated_like_the_report_form(
    world: World,
    categories: dict[str, Category],
    client_for: Any,
    override: dict[str, str],
    message: str,
) -> None:
    incident = make(world, categories)
    response = en(client_for("reporter")).post(
        urls(world, incident, "correct"), form_data(incident, **override)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Incident.objects.get(pk=incident.pk).version == 0


def test_moving_the_point_relinks_the_areas(
    world: World, categories: dict[str, Category], client_for: Any
) -> None:
    incident = make(world, categories)
    assert IncidentArea.objects.filter(incident=incident, area=world.drawn_area).exists()
    data = form_data(incident, lon=str(OUTSIDE[0]), lat=str(OUTSIDE[1]), place="Utanför")
    assert client_for("reporter").post(urls(world, incident, "correct"), data).status_code == 302
    assert not IncidentArea.objects.filter(incident=incident).exists()
    change = IncidentChange.objects.get(incident=incident)
    assert change.before["point"] == list(CENTRE) and change.after["point"] == list(OUTSIDE)


def test_an_edit_made_on_an_older_version_is_refused(
    world: World, categories: dict[str, Category], client_for: Any
) -> None:
    incident = make(world, categories)
    opened = form_data(incident, description="Reporterns ändring.")
    # Meanwhile the coordinator corrects the same report.
    coordinator = client_for("coordinator")
    coordinator.post(urls(world, incident, "correct"), form_data(incident, assessment="4"))
    client = en(client_for("reporter"))
    response = client.post(urls(world, incident, "correct"), opened, follow=True)
    assert "Someone else changed this report" in response.content.decode()
    incident.refresh_from_db()
    assert incident.assessment == 4 and incident.description == "Klotter på busskuren."
    assert IncidentChange.objects.filter(incident=incident).count() == 1


def test_the_service_refuses_a_stale_version_under_the_row_lock(
    world: World, categories: dict[str, Category]
) -> None:
    incident = make(world, categories)
    corrections.withdraw(incident.pk, 0, world.users["coordinator"], "Dubbelrapporterad")
    with pytest.raises(corrections.StaleEditError):
        corrections.withdraw(incident.pk, 0, world.users["reporter"], "Fel")
    with pytest.raises(corrections.StaleEditError):
        corrections.restore(incident.pk, 0, world.users["reporter"])
    assert IncidentChange.objects.filter(incident=incident).count() == 1


@pytest.mark.parametrize("persona", ["housing_reporter", "analyst", "viewer"])
def test_others_may_not_change_a_report_they_can_see(
    world: World, categories: dict[str, Category], client_for: Any, persona: str
) -> None:
    incident = make(world, categories)  # shared with the partnership
    client = client_for(persona)
    for name in ("correct", "withdraw"):
        assert client.get(urls(world, incident, name)).status_code == 403
        assert client.post(urls(world, incident, name), {}).status_code == 403
    assert Incident.objects.get(pk=incident.pk).version == 0


def test_a_report_of_another_organisation_shared_only_within_it_is_not_found(
    world: World, categories: dict[str, Category], client_for: Any
) -> None:
    incident = make(world, categories, sharing=Sharing.ORGANISATION)
    client = client_for("housing_reporter")
    assert client.get(urls(world, incident, "correct")).status_code == 404
    assert client_for("outsider").get(urls(world, incident, "withdraw")).status_code == 404


def test_imported_rows_are_changed_by_coordinators_only(
    world: World, categories: dict[str, Category], client_for: Any
) -> None:
    incident = make(world, categories, source=Source.IMPORT, source_id="rad-1", assessment=None)
    assert client_for("reporter").get(urls(world, incident, "correct")).status_code == 403
    coordinator = client_for("coordinator")
    assert coordinator.get(urls(world, incident, "correct")).status_code == 200
    # An imported row without an assessment can be corrected without inventing one.
    response = coordinator.post(urls(world, incident, "correct"), form_data(incident, place="Ån"))
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.place == "Ån" and incident.assessment is None


def test_an_anonymised_incident_can_no_longer_be_changed(
    world: World, categories: dict[str, Category], client_for: Any
) -> None:
    incident = make(world, categories, anonymised_at=timezone.now(), description="", place="")
    client = en(client_for("coordinator"))
    response = client.get(urls(world, incident, "correct"))
    assert response.status_code == 403 and "anonymised" in response.content.decode()
    assert client.post(urls(world, incident, "withdraw"), {"reason": "x"}).status_code == 403
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_withdrawing_needs_a_reason_without_personal_data(
    world: World, categories: dict[str, Category], client_for: Any
) -> None:
    incident = make(world, categories)
    client = en(client_for("reporter"))
    url = urls(world, incident, "withdraw")
    response = client.post(url, {"reason": "  ", "version": "0"})
    assert "Say why the report is withdrawn." in response.content.decode()
    response = client.post(url, {"reason": f"Fel person {PERSONNUMMER}", "version": "0"})
    assert response.status_code == 200 and "personal identity number" in response.content.decode()
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_a_withdrawn_report_counts_nowhere_and_stays_readable_to_reporter_and_coordinators(
    world: World, categories: dict[str, Category], client_for: Any
) -> None:
    incident = make(world, categories)
    other = make(world, categories)
    client = en(client_for("reporter"))
    response = client.post(
        urls(world, incident, "withdraw"), {"reason": "Rapporterades två gånger", "version": "0"}
    )
    assert response.status_code == 302
    assert list(Incident.objects.filter(partnership=world.a)) == [other]
    assert Incident.all_objects.get(pk=incident.pk).withdrawn_at is not None
    assert not IncidentArea.objects.filter(incident=incident).exists()
    assert IncidentArea.objects.filter(incident=other).exists()
    # A full relink (an area redrawn) does not bring its links back.
    link_incidents(world.a)
    assert not IncidentArea.objects.filter(incident=incident).exists()
    for persona in ("reporter", "coordinator"):
        page = en(client_for(persona)).get(urls(world, incident, "detail"))
        html = page.content.decode()
        assert page.status_code == 200
        assert "Withdrawn" in html and "Rapporterades två gånger" in html
    listing = en(client_for("reporter")).get(reverse("incident-list", args=[world.a.slug]))
    assert "withdrawn" in listing.content.decode()
    # Analysts read what counts; the withdrawn report is not theirs to read.
    assert client_for("analyst").get(urls(world, incident, "detail")).status_code == 404
    assert client_for("housing_reporter").get(urls(world, incident, "detail")).status_code == 404
    # A withdrawn report is restored before it is corrected.
    assert client_for("reporter").get(urls(world, incident, "correct")).status_code == 302


def test_restoring_brings_the_report_back_into_the_counts(
    world: World, categories: dict[str, Category], client_for: Any
) -> None:
    incident = make(world, categories)
    corrections.withdraw(incident.pk, 0, world.users["reporter"], "Misstag")
    response = client_for("coordinator").post(urls(world, incident, "restore"), {"version": "1"})
    assert response.status_code == 302
    assert Incident.objects.filter(pk=incident.pk).exists()
    assert IncidentArea.objects.filter(incident=incident, area=world.drawn_area).exists()
    actions = list(
        IncidentChange.objects.filter(incident=incident)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["withdrawn", "restored"]


def test_importing_the_file_again_does_not_bring_a_withdrawn_row_back(
    world: World, categories: dict[str, Category]
) -> None:
    from samtrygg.incidents.importing import _existing_source_ids

    incident = make(world, categories, source=Source.IMPORT, source_id="rad-7")
    corrections.withdraw(incident.pk, 0, world.users["coordinator"], "Fel i filen")
    assert _existing_source_ids(world.school, ["rad-7", "rad-8"]) == {"rad-7"}


def test_retention_scrubs_earlier_text_and_place_from_the_history(
    world: World, categories: dict[str, Category]
) -> None:
    from samtrygg.incidents.retention import apply_retention

    category = categories["skadegörelse/klotter"]
    category.retention_months = 1
    category.save()
    incident = make(world, categories, place="Gamla torget")
    change = corrections.correct(
        incident.pk,
        0,
        world.users["reporter"],
        corrections.Correction(
            category=category,
            occurred_from=incident.occurred_from,
            occurred_to=incident.occurred_to,
            time_band=incident.time_band,
            lon=OUTSIDE[0],
            lat=OUTSIDE[1],
            place="Nya torget",
            assessment=3,
            description="Ny text.",
            sharing=incident.sharing,
        ),
    )
    assert change is not None and change.before["place"] == "Gamla torget"
    apply_retention(world.a, now=timezone.now() + timedelta(days=2000))
    change = IncidentChange.objects.get(pk=change.pk)
    assert set(change.before) == set(change.after) == {"assessment"}
    assert change.before["assessment"] == 2


def test_picture_and_public_page_count_as_if_the_withdrawn_report_did_not_exist(
    world: World, categories: dict[str, Category]
) -> None:
    from samtrygg.partnerships.access import access_for
    from samtrygg.periods import make_period
    from samtrygg.picture.services import Filters, build_picture
    from samtrygg.public.statistics import public_statistics

    today = timezone.localdate()
    recent = timezone.now() - timedelta(days=100)
    kept = [make(world, categories, occurred_from=recent, occurred_to=recent) for _ in range(3)]
    gone = [make(world, categories, occurred_from=recent, occurred_to=recent) for _ in range(4)]
    access = access_for(world.users["coordinator"], world.a)
    assert access is not None
    period = make_period("year", at=recent.date(), today=today)

    def numbers() -> tuple[Any, ...]:
        picture = build_picture(world.users["coordinator"], access, Filters(period=period))
        public = public_statistics(world.a, today=today + timedelta(days=120))
        assert public is not None
        return (
            picture.total,
            [r.count for r in picture.by_area.rows],
            public.grand_total,
            [r.cells for r in public.rows],
        )

    for incident in gone:
        corrections.withdraw(incident.pk, 0, world.users["coordinator"], "Dubblett")
    with_withdrawn = numbers()
    Incident.all_objects.filter(pk__in=[i.pk for i in gone]).delete()
    assert numbers() == with_withdrawn
    assert with_withdrawn[0] == len(kept)
