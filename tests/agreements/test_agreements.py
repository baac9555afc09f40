"""The collaboration agreement: signing per party, freezing, versions, diffs and documents."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from samtrygg.agreements import services
from samtrygg.agreements.documents import build_docx, build_pdf
from samtrygg.agreements.models import Agreement, Comment, Party, Promise, Signature
from samtrygg.agreements.signing import content_sha256
from samtrygg.partnerships.access import access_for
from samtrygg.partnerships.models import Membership, Role
from samtrygg.plans.models import ChangeRecord, FrozenError, Problem
from samtrygg.rendering.documents import pdf_font_paths
from tests.agreements.helpers import (
    ACTIVITY_TITLE,
    GOAL_TEXT,
    PROMISE_TEXT,
    make_agreement,
    pdf_page_texts,
    pdf_text,
    police,
    squash,
)
from tests.conftest import PASSWORD, World, make_user


def _police_chief(world: World) -> Any:
    """A viewer (the local police area chief) in the police organisation."""
    user = make_user("lpo@polisen.test")
    Membership.objects.create(
        user=user, partnership=world.a, role=Role.VIEWER, organisation=police(world)
    )
    return user


def _two_party(world: World, status: str = "review") -> Agreement:
    return make_agreement(
        world,
        status=status,
        parties=(
            (world.kommun, "Kommunstyrelsens ordförande"),
            (police(world), "Lokalpolisområdeschef"),
        ),
    )


def _sign_url(agreement: Agreement, party: Party) -> str:
    return reverse("agreement-sign", kwargs={"slug": "alfa", "pk": agreement.pk, "party": party.pk})


def test_each_party_signs_only_for_itself(world: World, client_for: Any) -> None:
    agreement = _two_party(world)
    kommun_party, police_party = agreement.parties.order_by("pk")
    chief = _police_chief(world)

    # The municipality's coordinator cannot sign for the police.
    client = client_for("coordinator")
    assert client.post(_sign_url(agreement, police_party)).status_code == 403
    # A reporter at the school is not a party's signatory either.
    assert client_for("reporter").post(_sign_url(agreement, kommun_party)).status_code == 403
    assert not Signature.objects.exists()

    confirm = {"password": PASSWORD, "content_sha256": content_sha256(agreement)}
    assert (
        client_for("coordinator").post(_sign_url(agreement, kommun_party), confirm).status_code
        == 302
    )
    agreement.refresh_from_db()
    assert agreement.status == "review"

    client.force_login(chief, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(_sign_url(agreement, kommun_party)).status_code == 403
    assert client.post(_sign_url(agreement, police_party), confirm).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "signed"
    sig = Signature.objects.get(party=police_party)
    assert sig.signed_by == chief and sig.role == "Lokalpolisområdeschef"
    actions = set(ChangeRecord.objects.values_list("action", flat=True))
    assert {"signed", "fully_signed"} <= actions


def test_a_member_of_the_party_with_the_wrong_role_cannot_sign(world: World) -> None:
    agreement = _two_party(world)
    analyst = Membership.objects.get(user=world.users["analyst"])
    analyst.organisation = world.kommun
    analyst.save()
    access = access_for(world.users["analyst"], world.a)
    assert access is not None
    kommun_party = agreement.parties.get(organisation=world.kommun)
    with pytest.raises(services.NotYourPartyError):
        services.sign(agreement, kommun_party, access, world.users["analyst"])


def test_superuser_may_sign_for_any_party(world: World) -> None:
    agreement = _two_party(world)
    access = access_for(world.users["superuser"], world.a)
    assert access is not None
    for party in agreement.parties.all():
        services.sign(agreement, party, access, world.users["superuser"])
    agreement.refresh_from_db()
    assert agreement.status == "signed"


def test_signing_a_draft_is_refused(world: World) -> None:
    agreement = _two_party(world, status="draft")
    access = access_for(world.users["coordinator"], world.a)
    assert access is not None
    with pytest.raises(services.AgreementError):
        services.sign(
            agreement,
            agreement.parties.get(organisation=world.kommun),
            access,
            access.membership.user,
        )


def test_signed_agreement_is_frozen(world: World, client_for: Any) -> None:
    agreement = make_agreement(world, status="signed")
    agreement.title = "Ändrad"
    with pytest.raises(FrozenError):
        agreement.save()
    promise = agreement.promises.get()
    promise.text = "Ändrad"
    with pytest.raises(FrozenError):
        promise.save()
    with pytest.raises(FrozenError):
        Promise.objects.create(agreement=agreement, year=2027, focus_area="x", text="y")
    # These run in Django's own transactions; a savepoint keeps the test's usable.
    for change in (
        agreement.goals.clear,
        promise.activities.clear,
        agreement.parties.get().delete,
        agreement.delete,
    ):
        with pytest.raises(FrozenError), transaction.atomic():
            change()

    client = client_for("coordinator")
    edit = reverse("agreement-edit", kwargs={"slug": "alfa", "pk": agreement.pk})
    response = client.post(edit, {"title": "Ändrad"})
    assert response.status_code == 409
    assert Agreement.objects.get(pk=agreement.pk).title != "Ändrad"
    add_promise = reverse("promise-create", kwargs={"slug": "alfa", "pk": agreement.pk})
    assert client.post(add_promise, {"year": 2027}).status_code == 409


def test_publish_then_new_version_and_diff(world: World, client_for: Any) -> None:
    agreement = make_agreement(world, status="signed")
    client = client_for("coordinator")
    publish = reverse("agreement-publish", kwargs={"slug": "alfa", "pk": agreement.pk})
    assert client.post(publish).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "published"
    assert list(Promise.objects.published_for(world.a)) == list(agreement.promises.all())

    response = client.post(
        reverse("agreement-new-version", kwargs={"slug": "alfa", "pk": agreement.pk})
    )
    draft = Agreement.objects.get(based_on=agreement)
    assert response.status_code == 302 and response["Location"].endswith(f"/{draft.pk}/")
    assert draft.version == 2 and draft.status == "draft"
    assert list(draft.goals.all()) == list(agreement.goals.all())
    copied = draft.promises.get()
    assert copied.text == PROMISE_TEXT
    assert [a.title for a in copied.activities.all()] == [ACTIVITY_TITLE]
    assert draft.parties.count() == 1 and not Signature.objects.filter(party__agreement=draft)

    edit = reverse("agreement-edit", kwargs={"slug": "alfa", "pk": draft.pk})
    form = client.get(edit).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        period_start="2026-01-01",
        period_end="2027-12-31",
        follow_up_date="2026-09-01",
        problems=[p.pk for p in draft.problems.all()],
        goals=[g.pk for g in draft.goals.all()],
        follow_up="Uppföljning varje kvartal i styrgruppen.",
    )
    response = client.post(edit, data)
    assert response.status_code == 302, response.context["form"].errors

    page = client.get(reverse("agreement-diff", kwargs={"slug": "alfa", "pk": draft.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "+Uppföljning varje kvartal i styrgruppen." in html
    assert "-Uppföljning per tertial." in html
    # The published version still holds until the new one is published.
    assert list(Promise.objects.published_for(world.a)) == list(agreement.promises.all())
    # A second draft next to the first is refused.
    with pytest.raises(services.AgreementError):
        services.new_version(agreement, world.users["coordinator"])


def test_publishing_a_new_version_supersedes_the_old(world: World) -> None:
    old = make_agreement(world, status="published")
    new = services.new_version(old, world.users["coordinator"])
    Agreement.objects.filter(pk=new.pk).update(status="signed")
    new.refresh_from_db()
    services.publish(new, world.users["coordinator"])
    old.refresh_from_db()
    assert old.status == "superseded"
    assert {p.agreement_id for p in Promise.objects.published_for(world.a)} == {new.pk}


def test_review_workflow_and_comments(world: World, client_for: Any) -> None:
    agreement = make_agreement(world, parties=((world.school, "Rektor"),))
    agreement.parties.update(signatory=world.users["reporter"])
    client = client_for("coordinator")
    review = reverse("agreement-review", kwargs={"slug": "alfa", "pk": agreement.pk})
    assert client.post(review).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "review"

    comment = reverse("agreement-comment", kwargs={"slug": "alfa", "pk": agreement.pk})
    # The school is a party: its reporter may comment; the housing company is not.
    assert (
        client_for("reporter").post(comment, {"text": "Lägg till skolgården."}).status_code == 302
    )
    assert client_for("housing_reporter").post(comment, {"text": "x"}).status_code == 403
    assert client_for("viewer").post(comment, {"text": "x"}).status_code == 403
    saved = Comment.objects.get()
    assert saved.organisation == world.school and saved.text == "Lägg till skolgården."

    reopen = reverse("agreement-reopen", kwargs={"slug": "alfa", "pk": agreement.pk})
    assert client_for("coordinator").post(reopen).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "draft"


def test_detail_page_shows_promises_parties_and_sign_button(world: World, client_for: Any) -> None:
    agreement = _two_party(world)
    html = (
        client_for("coordinator")
        .get(reverse("agreement-detail", kwargs={"slug": "alfa", "pk": agreement.pk}))
        .content.decode()
    )
    assert PROMISE_TEXT in html and ACTIVITY_TITLE in html
    sign_kommun = _sign_url(agreement, agreement.parties.get(organisation=world.kommun))
    sign_police = _sign_url(agreement, agreement.parties.get(organisation=police(world)))
    assert sign_kommun in html and sign_police not in html


def _signed(world: World) -> Agreement:
    agreement = _two_party(world)
    access = access_for(world.users["superuser"], world.a)
    assert access is not None
    for party in agreement.parties.all():
        services.sign(agreement, party, access, world.users["coordinator"])
    agreement.refresh_from_db()
    return agreement


def test_docx_contains_promises_activities_and_signatures(world: World, frozen_now: Any) -> None:
    from docx import Document

    agreement = _signed(world)
    doc = Document(io.BytesIO(build_docx(agreement)))
    texts = [p.text for p in doc.paragraphs]
    texts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    body = "\n".join(texts)
    assert agreement.title in body
    assert PROMISE_TEXT in body and ACTIVITY_TITLE in body and GOAL_TEXT in body
    assert "Åsa Öberg" in body and "2026-06-30" in body
    assert "KS 2026/123" in body
    assert body.count("Coordinator") >= 2  # the signer's name, once per party
    assert "Lokalpolisområdeschef" in body
    assert body.count("2026-03-02") == 2  # the date each party signed (the frozen clock)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading 1")]
    assert [h.split(".")[0] for h in headings] == ["1", "2", "3", "4", "5", "6"]


def test_docx_of_an_unsigned_agreement_has_empty_signature_lines(world: World) -> None:
    from docx import Document

    doc = Document(io.BytesIO(build_docx(_two_party(world))))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert body.count("____________") >= 2


@pytest.mark.parametrize("unicode_font", [True, False])
def test_pdf_contains_promises_activities_and_signatures(
    world: World, frozen_now: Any, unicode_font: bool
) -> None:
    agreement = _signed(world)
    data = build_pdf(agreement, unicode_font=unicode_font)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    text = pdf_text(data)
    for expected in (PROMISE_TEXT, ACTIVITY_TITLE, "Åsa Öberg", GOAL_TEXT, "Lokalpolisområdeschef"):
        assert squash(expected) in text, expected
    assert text.count("Coordinator") >= 2
    if unicode_font and pdf_font_paths() is not None:
        assert b"/FontFile2" in data  # the TrueType font is embedded


@pytest.mark.parametrize("unicode_font", [True, False])
def test_pdf_keeps_each_partys_signature_block_on_one_page(
    world: World, frozen_now: Any, unicode_font: bool
) -> None:
    pages = pdf_page_texts(build_pdf(_signed(world), unicode_font=unicode_font))
    for organisation, role in (
        ("Alfa kommun", "Kommunstyrelsens ordförande"),
        ("Lokalpolisområde Alfa", "Lokalpolisområdeschef"),
    ):
        block = squash(
            f"{organisation} Undertecknat av: Coordinator Roll: {role} Datum: 2026-03-02"
        )
        assert [block in page for page in pages].count(True) == 1, organisation


def test_download_views_give_files(world: World, client_for: Any) -> None:
    agreement = _two_party(world)
    client = client_for("viewer")
    for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF-")):
        url = reverse("agreement-download", kwargs={"slug": "alfa", "pk": agreement.pk, "fmt": fmt})
        response = client.get(url)
        assert response.status_code == 200
        assert response.content.startswith(magic)
        assert "attachment" in response["Content-Disposition"]
    bad = reverse("agreement-download", kwargs={"slug": "alfa", "pk": agreement.pk, "fmt": "odt"})
    assert client.get(bad).status_code == 404


def test_create_agreement_promise_and_party_through_the_pages(
    world: World, client_for: Any
) -> None:
    client = client_for("coordinator")
    response = client.post(
        reverse("agreement-create", kwargs={"slug": "alfa"}),
        {
            "title": "Överenskommelse 2026",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "background": "Bakgrund.",
        },
    )
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and agreement.version == 1
    response = client.post(
        reverse("promise-create", kwargs={"slug": "alfa", "pk": agreement.pk}),
        {"year": 2026, "focus_area": "Centrum", "text": "Vi syns mer.", "published": "on"},
    )
    assert response.status_code == 302
    promise = agreement.promises.get()
    response = client.post(
        reverse("promise-edit", kwargs={"slug": "alfa", "pk": agreement.pk, "promise": promise.pk}),
        {"year": 2026, "focus_area": "Centrum", "text": "Vi syns ännu mer."},
    )
    assert response.status_code == 302
    promise.refresh_from_db()
    assert promise.text == "Vi syns ännu mer." and not promise.published
    response = client.post(
        reverse("party-create", kwargs={"slug": "alfa", "pk": agreement.pk}),
        {
            "organisation": world.kommun.pk,
            "signatory_role": "Kommunstyrelsens ordförande",
            "signatory": world.users["coordinator"].pk,
        },
    )
    assert response.status_code == 302
    assert agreement.parties.get().organisation == world.kommun
    actions = list(ChangeRecord.objects.order_by("pk").values_list("object_type", "action"))
    assert actions == [
        ("agreement", "created"),
        ("promise", "created"),
        ("promise", "edited"),
        ("party", "created"),
    ]
    # Another partnership's organisation cannot be a party.
    other = world.b.organisations.get()
    response = client.post(
        reverse("party-create", kwargs={"slug": "alfa", "pk": agreement.pk}),
        {"organisation": other.pk, "signatory_role": "x"},
    )
    assert response.status_code == 200 and agreement.parties.count() == 1


def test_the_difference_shows_every_change_not_only_the_promises(world: World) -> None:
    old = make_agreement(world, status="published")
    new = services.new_version(old, world.users["coordinator"])
    Agreement.objects.filter(pk=new.pk).update(title="Ny titel 2027", diarienummer="KS 2027/9")
    new.refresh_from_db()
    new.goals.clear()
    new.problems.add(Problem.objects.create(partnership=world.a, title="Buskörning"))
    Party.objects.create(agreement=new, organisation=police(world), signatory_role="LPO-chef")
    diff = services.agreement_diff(old, new)
    assert set(diff) == {"facts", "problems", "goals", "parties"}
    assert f"-{_title_line(old.title)}" in diff["facts"]
    assert "+Titel: Ny titel 2027" in diff["facts"] or "+Title: Ny titel 2027" in diff["facts"]
    assert "+Buskörning" in diff["problems"]
    assert f"-{GOAL_TEXT}" in diff["goals"]
    assert any(line.startswith("+Lokalpolisområde Alfa – LPO-chef") for line in diff["parties"])
    assert services.agreement_diff(old, old) == {}


def _title_line(title: str) -> str:
    from django.utils.translation import gettext

    return f"{gettext('Title')}: {title}"


def test_every_page_names_the_partnership_and_is_numbered(world: World) -> None:
    from tests.documents_text import pdf_page_texts, word_text

    agreement = _signed(world)
    text = word_text(build_docx(agreement))
    assert text.header == f"Alfa · {agreement.title}"
    assert text.footer_fields == ["PAGE", "NUMPAGES"] and text.footer.startswith("Sida ")
    pages = pdf_page_texts(build_pdf(agreement))
    assert len(pages) >= 2  # the title page and the sections
    for number, page in enumerate(pages, start=1):
        assert page.startswith(squash(f"Alfa · {agreement.title}"))
        assert page.endswith(f"Sida{number}av{len(pages)}")
    english = word_text(build_docx(agreement, lang="en"))
    assert english.footer.startswith("Page ") and " of " in english.footer
