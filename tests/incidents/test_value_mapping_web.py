"""The web import's value step (a partner's own words) and the organisation's template files."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samtrygg.incidents.models import Category, ColumnMapping, Incident
from samtrygg.sources.tabular import read_incidents

# A housing company's Windows-1252 export with its own words (see test_value_mapping_cli).
ALFAHEM = (
    "Ärendenr;Händelsetyp;Tidpunkt;Adress;Allvarlighet;Notering\r\n"
    "AH-0113;Klotter;2025-01-13 07:40;Bregårdsvägen 12;Låg;Tags på källardörren\r\n"
    "AH-0117;Brand i sopkärl;2025-01-17 21:15;Ängsvägen 4;Hög;Räddningstjänsten släckte\r\n"
    "AH-0121;KLOTTER;2025-01-21 08:05;Östra torget 2;Låg;Klotter i trapphus B\r\n"
    "AH-0130;Nedskräpning;2025-01-30 10:30;Bregårdsvägen 14;2;Grovsopor i förrådet\r\n"
)
COLUMNS = {"map_id": "Ärendenr", "map_category": "Händelsetyp", "map_time": "Tidpunkt",
           "map_place": "Adress", "map_assessment": "Allvarlighet",
           "map_description": "Notering", "sharing": "partnership"}  # fmt: skip


@pytest.fixture
def uploads(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path / "uploads"


def _url(name: str, world: Any, **kwargs: Any) -> str:
    return reverse(name, kwargs={"slug": world.a.slug, **kwargs})


def _upload(client: Any, world: Any, data: bytes, name: str = "alfahem.csv") -> None:
    response = client.post(
        _url("incident-import", world),
        {"organisation": world.housing.pk, "file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def _fields_by_value(form: Any) -> dict[str, str]:
    return {u.value: key for key, u in form.unmapped.items()}


def test_own_words_are_confirmed_once_and_applied_to_the_next_file(
    world: Any, client_for: Any, uploads: Path
) -> None:
    client = client_for("housing_reporter")
    _upload(client, world, ALFAHEM.encode("cp1252"))
    step = client.post(_url("incident-import-mapping", world), COLUMNS)
    assert step.status_code == 302 and step["Location"] == _url("incident-import-values", world)
    assert Incident.objects.count() == 0

    page = client.get(_url("incident-import-values", world))
    assert page.status_code == 200
    form = page.context["form"]
    keys = _fields_by_value(form)
    # "Klotter" and "KLOTTER" are one word; "Nedskräpning" and "2" need no mapping.
    assert set(keys) == {"Klotter", "Brand i sopkärl", "Låg", "Hög"}
    assert form[keys["Klotter"]].initial == "skadegörelse/klotter"
    assert form[keys["Brand i sopkärl"]].initial == "brand"
    assert form[keys["Låg"]].initial == ""  # no guess for words as assessments
    html = page.content.decode()
    assert "Kategorin ”Klotter” betyder" in html and "Rad 2, 4." in html

    # Nothing chosen for an assessment: refused, nothing imported, the form says so.
    missing = client.post(
        _url("incident-import-values", world),
        {keys["Klotter"]: "skadegörelse/klotter", keys["Brand i sopkärl"]: "brand",
         keys["Låg"]: "1"},
    )  # fmt: skip
    assert missing.status_code == 400 and Incident.objects.count() == 0

    done = client.post(
        _url("incident-import-values", world),
        {keys["Klotter"]: "skadegörelse/klotter", keys["Brand i sopkärl"]: "brand",
         keys["Låg"]: "1", keys["Hög"]: "4"},
    )  # fmt: skip
    assert done.status_code == 200
    assert done.context["summary"].created == 4
    rows = {i.source_id: i for i in Incident.objects.select_related("category")}
    assert rows["AH-0121"].category.name == "skadegörelse/klotter"
    assert (rows["AH-0117"].category.name, rows["AH-0117"].assessment) == ("brand", 4)
    assert rows["AH-0130"].assessment == 2
    saved = ColumnMapping.objects.get(organisation=world.housing)
    assert saved.mapping["category"] == "Händelsetyp"
    assert set(saved.values["assessment"]) == {"låg", "hög"}

    # The next file: the saved columns are offered and the words need no confirming.
    nxt = ALFAHEM.replace("AH-01", "AH-02")
    _upload(client, world, nxt.encode("cp1252"))
    page = client.get(_url("incident-import-mapping", world))
    assert page.context["form"]["map_assessment"].initial == "Allvarlighet"
    done = client.post(_url("incident-import-mapping", world), COLUMNS)
    assert done.status_code == 200 and done.context["summary"].created == 4


def test_a_renamed_category_keeps_the_saved_word(
    world: Any, client_for: Any, uploads: Path
) -> None:
    client = client_for("coordinator")
    text = "Kategori;Tid;Plats\nKlotter;2025-01-13 07:40;Torget\n"
    client.post(
        _url("incident-import", world),
        {"organisation": world.housing.pk, "file": SimpleUploadedFile("a.csv", text.encode())},
    )
    client.post(_url("incident-import-mapping", world), {"sharing": "partnership",
                "map_category": "Kategori", "map_time": "Tid", "map_place": "Plats"})  # fmt: skip
    form = client.get(_url("incident-import-values", world)).context["form"]
    (key,) = form.unmapped
    client.post(_url("incident-import-values", world), {key: "skadegörelse/klotter"})
    Category.objects.filter(partnership=world.a, name="skadegörelse/klotter").update(
        name="klotter och skadegörelse"
    )
    again = text.replace("Klotter;2025-01-13", "Klotter;2025-01-14")
    client.post(
        _url("incident-import", world),
        {"organisation": world.housing.pk, "file": SimpleUploadedFile("b.csv", again.encode())},
    )
    columns = {"sharing": "partnership", "map_category": "Kategori", "map_time": "Tid",
               "map_place": "Plats"}  # fmt: skip
    done = client.post(_url("incident-import-mapping", world), columns)
    assert done.status_code == 200
    assert Incident.objects.filter(category__name="klotter och skadegörelse").count() == 2


def test_an_excel_file_with_own_words_goes_through_the_value_step(
    world: Any, client_for: Any, uploads: Path
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nr", "Typ av händelse", "Datum", "Plats", "Delning"])
    sheet.append(["V-1", "Skadegorelse", "2025-03-03 02:10", "Skolgården", "Samverkan"])
    sheet.append(["V-2", "Inbrott förråd", "2025-03-04 03:00", "Förrådet", "Endast vi"])
    out = io.BytesIO()
    book.save(out)
    client = client_for("coordinator")
    _upload(client, world, out.getvalue(), "vaktbolaget.xlsx")
    step = client.post(_url("incident-import-mapping", world), {"sharing": "partnership",
                       "map_id": "Nr", "map_category": "Typ av händelse", "map_time": "Datum",
                       "map_place": "Plats", "map_sharing": "Delning"})  # fmt: skip
    assert step.status_code == 302
    form = client.get(_url("incident-import-values", world)).context["form"]
    keys = _fields_by_value(form)
    # Without Swedish characters, "Skadegorelse" is still recognised; "Inbrott förråd" is close.
    assert form[keys["Skadegorelse"]].initial == "skadegörelse/klotter"
    assert form[keys["Inbrott förråd"]].initial == "inbrott"
    # "Samverkan" is a known sharing level; "Endast vi" is the security company's own word.
    sharing = form.fields[keys["Endast vi"]]
    assert [label for _v, label in sharing.choices][1:] == ["Egen organisation", "Partnerskapet"]
    chosen = {k: form[k].initial for k in keys.values()} | {keys["Endast vi"]: "organisation"}
    done = client.post(_url("incident-import-values", world), chosen)
    assert done.status_code == 200 and done.context["summary"].created == 2
    assert Incident.objects.get(source_id="V-2").sharing == "organisation"
    assert Incident.objects.get(source_id="V-1").sharing == "partnership"
    assert done.context["summary"].encoding is None


def test_templates_carry_the_organisations_columns_and_the_categories(
    world: Any, client_for: Any, uploads: Path
) -> None:
    client = client_for("housing_reporter")
    url = _url("incident-import-template", world, organisation=world.housing.pk, fmt="xlsx")
    response = client.get(url)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    header = [c.value for c in book["Händelser"][1]]
    assert header == ["Löpnummer", "Kategori", "Tidpunkt", "Longitud", "Latitud", "Plats",
                      "Bedömning", "Beskrivning", "Delning"]  # fmt: skip
    listed = [r[0] for r in book["Kategorier"].iter_rows(min_row=2, values_only=True)]
    assert "skadegörelse/klotter" in listed and "övrigt" in listed
    assert book["Händelser"].data_validations.dataValidation[0].sqref is not None

    # After an import the template uses the organisation's own column names.
    ColumnMapping.objects.create(
        organisation=world.housing,
        mapping={"id": "Ärendenr", "category": "Händelsetyp", "time": "Tidpunkt",
                 "lon": "", "lat": "", "place": "Adress", "assessment": "",
                 "description": "Notering"},
    )  # fmt: skip
    csv = client.get(
        _url("incident-import-template", world, organisation=world.housing.pk, fmt="csv")
    )
    assert csv.status_code == 200
    assert csv["Content-Disposition"] == 'attachment; filename="mall-alfahem.csv"'
    text = csv.content.decode("utf-8-sig")
    assert text == "Ärendenr;Händelsetyp;Tidpunkt;Adress;Notering\r\n"
    # A filled-in template imports without any mapping.
    filled = text + "1;Brand;2025-03-05 14:30;Torget;Papperskorg\r\n"
    table = read_incidents(filled.encode(), "mall.csv", categories=["brand"],
                           mapping={"id": "Ärendenr", "category": "Händelsetyp",
                                    "place": "Adress", "description": "Notering"})  # fmt: skip
    assert len(table) == 1


def test_a_reporter_gets_no_template_of_another_organisation(
    world: Any, client_for: Any, uploads: Path
) -> None:
    client = client_for("housing_reporter")
    other = _url("incident-import-template", world, organisation=world.school.pk, fmt="csv")
    assert client.get(other).status_code == 404
    own = _url("incident-import-template", world, organisation=world.housing.pk, fmt="pdf")
    assert client.get(own).status_code == 404
