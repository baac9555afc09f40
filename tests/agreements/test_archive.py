"""The archived copy of what was signed: made at the last signature, kept unchanged."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from samtrygg import cli
from samtrygg.agreements import services
from samtrygg.agreements.documents import build_docx
from samtrygg.agreements.models import Agreement, ArchivedDocument
from samtrygg.agreements.signing import content_sha256
from samtrygg.freezing import discarding_frozen
from samtrygg.partnerships.access import access_for
from samtrygg.plans.models import ChangeRecord, FrozenError, Goal
from tests.agreements.helpers import GOAL_TEXT, PROMISE_TEXT, make_agreement, pdf_text, police
from tests.agreements.test_export_cli import _export, _export_registered  # noqa: F401
from tests.conftest import PASSWORD, World

CHANGED_GOAL = "Ett helt annat mål, skrivet efter undertecknandet"


def _review(world: World, version: int = 1) -> Agreement:
    return make_agreement(
        world,
        status="review",
        version=version,
        parties=(
            (world.kommun, "Kommunstyrelsens ordförande"),
            (police(world), "Lokalpolisområdeschef"),
        ),
    )


def _sign_all(world: World, agreement: Agreement) -> Agreement:
    access = access_for(world.users["superuser"], world.a)
    assert access is not None
    for party in agreement.parties.all():
        services.sign(agreement, party, access, world.users["coordinator"])
    agreement.refresh_from_db()
    return agreement


def _docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    texts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(texts)


def _download(client: Any, agreement: Agreement, fmt: str) -> Any:
    url = reverse("agreement-download", kwargs={"slug": "alfa", "pk": agreement.pk, "fmt": fmt})
    return client.get(url)


def _change_goal(agreement: Agreement) -> None:
    """Change the linked goal behind the freeze (the base manager skips it), as a later edit
    could."""
    assert Goal._base_manager.filter(agreements=agreement).update(statement=CHANGED_GOAL) == 1


def _english(client: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_last_signature_archives_word_and_pdf(world: World) -> None:
    agreement = _review(world)
    access = access_for(world.users["superuser"], world.a)
    assert access is not None
    first, second = agreement.parties.order_by("pk")
    services.sign(agreement, first, access, world.users["coordinator"])
    assert not ArchivedDocument.objects.filter(agreement=agreement).exists()

    services.sign(agreement, second, access, world.users["coordinator"])
    rows = {a.format: a for a in ArchivedDocument.objects.filter(agreement=agreement)}
    assert sorted(rows) == ["docx", "pdf"]
    for row in rows.values():
        assert row.sha256 == hashlib.sha256(bytes(row.content)).hexdigest()
    body = _docx_text(bytes(rows["docx"].content))
    assert PROMISE_TEXT in body and GOAL_TEXT in body
    assert body.count("Coordinator") >= 2  # the signer's name, once per party
    assert "Lokalpolisområdeschef" in body
    pdf = bytes(rows["pdf"].content)
    assert pdf.startswith(b"%PDF-")
    assert "".join(PROMISE_TEXT.split()) in pdf_text(pdf)
    done = ChangeRecord.objects.get(object_id=agreement.pk, action="fully_signed")
    assert done.details["archived"] == {f: r.sha256 for f, r in rows.items()}


def test_the_archive_is_swedish_whatever_the_signers_language(
    world: World, client_for: Any
) -> None:
    agreement = make_agreement(world, status="review")  # the municipality alone signs
    party = agreement.parties.get()
    client = _english(client_for("coordinator"))
    url = reverse("agreement-sign", kwargs={"slug": "alfa", "pk": agreement.pk, "party": party.pk})
    confirm = {"password": PASSWORD, "content_sha256": content_sha256(agreement)}
    assert client.post(url, confirm).status_code == 302
    archived = ArchivedDocument.objects.get(agreement=agreement, format="docx")
    with translation.override("sv"):
        heading = translation.gettext("Signatures")
    body = _docx_text(bytes(archived.content))
    assert heading in body
    assert heading == "Signatures" or "Signatures" not in body


def test_downloads_stay_byte_identical_when_linked_rows_change(
    world: World, client_for: Any
) -> None:
    agreement = _sign_all(world, _review(world))
    client = client_for("viewer")
    before = {fmt: _download(client, agreement, fmt).content for fmt in ("docx", "pdf")}

    _change_goal(agreement)
    assert CHANGED_GOAL in _docx_text(build_docx(agreement))  # a live rendering would differ
    for fmt, data in before.items():
        response = _download(client, agreement, fmt)
        archived = ArchivedDocument.objects.get(agreement=agreement, format=fmt)
        assert response.content == data == bytes(archived.content)
        assert response["X-Content-SHA256"] == archived.sha256
        assert f"-v{agreement.version}.{fmt}" in response["Content-Disposition"]
    assert CHANGED_GOAL not in _docx_text(before["docx"])


def test_a_superseded_version_still_downloads_what_was_signed(
    world: World, client_for: Any
) -> None:
    old = _sign_all(world, _review(world))
    signed_pdf = bytes(ArchivedDocument.objects.get(agreement=old, format="pdf").content)
    services.publish(old, world.users["coordinator"])
    new = services.new_version(old, world.users["coordinator"])
    Agreement.objects.filter(pk=new.pk).update(status="review")
    new = _sign_all(world, new)
    services.publish(new, world.users["coordinator"])
    old.refresh_from_db()
    assert old.status == "superseded"

    # After the old version is superseded, its goal may change (here behind the freeze of the
    # new version, which shares it).
    Goal._base_manager.filter(pk__in=old.goals.values("pk")).update(statement=CHANGED_GOAL)
    response = _download(client_for("viewer"), old, "pdf")
    assert response.content == signed_pdf
    assert hashlib.sha256(response.content).hexdigest() == response["X-Content-SHA256"]
    # The page says that what it shows may have moved on, and where the signed text is.
    client = client_for("viewer")
    client.cookies["django_language"] = "en"
    page = client.get(reverse("agreement-detail", args=[world.a.slug, old.pk]))
    assert "This version has been superseded" in page.content.decode()


def test_the_cli_writes_the_archived_bytes(world: World, tmp_path: Path, capsys: Any) -> None:
    agreement = _sign_all(world, _review(world))
    _change_goal(agreement)
    for fmt in ("docx", "pdf"):
        code, out = _export(tmp_path, fmt)
        assert code == 0
        archived = ArchivedDocument.objects.get(agreement=agreement, format=fmt)
        assert out.read_bytes() == bytes(archived.content)
        said = capsys.readouterr()
        assert archived.sha256 in said.out and "the signed agreement" in said.out
        assert said.err == ""


def test_the_cli_warns_when_a_signed_version_has_no_archive(
    world: World, tmp_path: Path, capsys: Any
) -> None:
    make_agreement(world, status="signed")  # signed before archiving existed
    code, out = _export(tmp_path, "docx")
    assert code == 0 and out.read_bytes().startswith(b"PK")
    said = capsys.readouterr()
    assert "the signed agreement" in said.out
    assert "no archived copy" in said.err and "generated from current data" in said.err
    assert len(said.err.strip().splitlines()) == 1


def test_the_page_shows_the_checksums_of_the_archived_copy(world: World, client_for: Any) -> None:
    agreement = _sign_all(world, _review(world))
    page = _english(client_for("viewer")).get(
        reverse("agreement-detail", kwargs={"slug": "alfa", "pk": agreement.pk})
    )
    html = page.content.decode()
    assert "Archived copy of the signed document" in html
    for row in ArchivedDocument.objects.filter(agreement=agreement):
        assert f"SHA-256 {row.sha256[:12]}…" in html
        assert row.created_at.strftime("%Y-%m-%d") in html
    assert "No archived copy" not in html


def test_the_page_says_when_there_is_no_archived_copy(world: World, client_for: Any) -> None:
    signed = make_agreement(world, status="signed")
    client = _english(client_for("viewer"))
    html = client.get(
        reverse("agreement-detail", kwargs={"slug": "alfa", "pk": signed.pk})
    ).content.decode()
    assert "No archived copy: generated from current data" in html
    draft = make_agreement(world, version=2)
    html = client.get(
        reverse("agreement-detail", kwargs={"slug": "alfa", "pk": draft.pk})
    ).content.decode()
    assert "archived copy" not in html.lower()


def test_an_archived_copy_cannot_be_changed_or_deleted(world: World) -> None:
    agreement = _sign_all(world, _review(world))
    row = ArchivedDocument.objects.get(agreement=agreement, format="pdf")
    sha = row.sha256
    row.content = b"%PDF- forged"
    with pytest.raises(FrozenError):
        row.save()
    with pytest.raises(FrozenError):
        row.delete()
    with pytest.raises(FrozenError):
        ArchivedDocument.objects.filter(pk=row.pk).update(content=b"forged")
    with pytest.raises(FrozenError):
        ArchivedDocument.objects.filter(agreement=agreement).delete()
    again = ArchivedDocument(pk=row.pk, agreement=agreement, format="pdf", content=b"x")
    with pytest.raises(FrozenError):
        again.save()
    assert ArchivedDocument.objects.get(pk=row.pk).sha256 == sha
    assert ArchivedDocument.objects.filter(agreement=agreement).count() == 2


def test_archived_copies_refuse_bulk_updates_and_are_hashed_when_bulk_created(
    world: World,
) -> None:
    agreement = _sign_all(world, _review(world))
    row = ArchivedDocument.objects.get(agreement=agreement, format="pdf")
    sha = row.sha256
    row.content = b"%PDF- forged"
    with pytest.raises(FrozenError):
        ArchivedDocument.objects.bulk_update([row], ["content"])
    assert ArchivedDocument.objects.get(pk=row.pk).sha256 == sha
    # A bulk-created copy goes through the same checks as save(): signed only, hash computed.
    other = _sign_all(world, _review(world, version=2))
    # Make room behind the append-only rule (the base manager skips it): signing archived it.
    ArchivedDocument._base_manager.filter(agreement=other).delete()
    made = ArchivedDocument.objects.bulk_create(
        [ArchivedDocument(agreement=other, format="pdf", content=b"%PDF-1.7 copy")]
    )
    assert made[0].sha256 == hashlib.sha256(b"%PDF-1.7 copy").hexdigest()
    draft = make_agreement(world, version=3)
    with pytest.raises(FrozenError):
        ArchivedDocument.objects.bulk_create(
            [ArchivedDocument(agreement=draft, format="pdf", content=b"%PDF-")]
        )


def test_a_draft_cannot_be_archived(world: World) -> None:
    draft = make_agreement(world)
    with pytest.raises(FrozenError):
        ArchivedDocument.objects.create(agreement=draft, format="pdf", content=b"%PDF-")


def test_deleting_the_agreements_wholesale_takes_their_archive(world: World) -> None:
    """Only the demo reset (a queryset delete that may discard frozen rows) or a partnership's
    end reaches a signed agreement."""
    agreement = _sign_all(world, _review(world))
    with pytest.raises(FrozenError):
        Agreement.objects.filter(pk=agreement.pk).delete()
    with discarding_frozen():
        Agreement.objects.filter(pk=agreement.pk).delete()
    assert not ArchivedDocument.objects.filter(agreement_id=agreement.pk).exists()


def test_draft_downloads_are_rendered_from_current_data(world: World, client_for: Any) -> None:
    draft = make_agreement(world)
    client = client_for("viewer")
    assert GOAL_TEXT in _docx_text(_download(client, draft, "docx").content)
    _change_goal(draft)
    response = _download(client, draft, "docx")
    assert CHANGED_GOAL in _docx_text(response.content)
    assert "X-Content-SHA256" not in response
    assert not ArchivedDocument.objects.exists()


def test_archive_agreements_archives_what_lacks_a_copy_once(world: World) -> None:
    superseded = make_agreement(world, status="superseded", version=1)
    published = make_agreement(world, status="published", version=2)
    make_agreement(world, version=3)  # a draft is never archived
    out = io.StringIO()
    call_command("archive_agreements", stdout=out)
    assert "Archived 1 signed agreement(s); 0 already" in out.getvalue()
    assert sorted(published.archived_documents.values_list("format", flat=True)) == [
        "docx",
        "pdf",
    ]
    assert not superseded.archived_documents.exists()
    hashes = set(ArchivedDocument.objects.values_list("sha256", flat=True))
    assert ChangeRecord.objects.filter(object_id=published.pk, action="archived").count() == 1

    out = io.StringIO()
    call_command("archive_agreements", stdout=out)
    assert "Archived 0 signed agreement(s); 1 already" in out.getvalue()
    assert set(ArchivedDocument.objects.values_list("sha256", flat=True)) == hashes


@pytest.mark.parametrize(
    ("persona", "status"), [("viewer", 200), ("reporter", 200), ("outsider", 404)]
)
def test_downloading_the_archive_keeps_the_permission_rules(
    world: World, client_for: Any, persona: str, status: int
) -> None:
    from tests.web.permission_rules.agreements import RULES

    expected = RULES["agreement-download"].expected[persona]
    agreement = _sign_all(world, _review(world))
    response = _download(client_for(persona), agreement, "pdf")
    assert response.status_code == expected == status


def test_the_cli_is_reachable_as_a_manage_command(world: World, capsys: Any) -> None:
    """``samtrygg manage archive_agreements`` runs the same command."""
    make_agreement(world, status="signed")
    assert cli.main(["manage", "archive_agreements"]) in (0, None)
    assert "Archived 1 signed agreement(s)" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_demo_ends_with_an_archived_agreement() -> None:
    from samtrygg.demo.incidents import load_demo_incidents
    from samtrygg.demo.partnership import load_demo
    from samtrygg.demo.plans import load_demo_plans

    partnership = load_demo()
    load_demo_incidents(partnership, n=300)
    for _run in range(2):  # the demo is rebuilt from scratch, archive and all
        load_demo_plans(partnership)
        agreement = Agreement.objects.get(partnership=partnership)
        assert agreement.status == "published"
        rows = ArchivedDocument.objects.filter(agreement=agreement)
        assert sorted(rows.values_list("format", flat=True)) == ["docx", "pdf"]
