"""The web import of partners' incident files: upload, column mapping and import, and the history.

1. ``upload`` stores the file under ``DATA_DIR/uploads`` with a random name, remembers it in the
   session (tied to the user, the partnership and the organisation) and checks that it can be read.
2. ``mapping`` shows the file's columns and first rows; the user says which column holds what.
3. Its POST imports all rows or none (``import_incidents``), saves the mapping for the
   organisation and deletes the file. Files not imported are deleted after an hour. When the
   file holds categories or assessments in the partner's own words that no saved mapping
   covers, the POST first leads to the value step (:mod:`samtrygg.incidents.value_views`).

The client never names a path: the stored name is a random token kept in the server-side session.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from samtrygg import uploads as upload_limits
from samtrygg.incidents import mappings
from samtrygg.incidents.import_forms import MappingForm, UploadForm
from samtrygg.incidents.importing import ImportSummary, import_incidents
from samtrygg.incidents.models import ImportBatch
from samtrygg.partnerships.access import Access, get_access
from samtrygg.partnerships.models import Organisation, Role
from samtrygg.sources import tabular
from samtrygg.sources.errors import RowError, SourceError

logger = logging.getLogger(__name__)

IMPORTERS = [Role.COORDINATOR, Role.ANALYST, Role.REPORTER]
STAFF = [Role.COORDINATOR, Role.ANALYST]
MAX_AGE_SECONDS = 3600
SESSION_KEY = "incident_imports"
SHOWN_PROBLEMS = 1000
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


# --------------------------------------------------------------------------- the stored upload


def _upload_dir() -> Path:
    path = Path(settings.DATA_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(token: str) -> Path:
    # The token comes from the session, never from the client; checked all the same.
    if not _TOKEN.match(token):
        raise ValueError("not an upload token")
    return _upload_dir() / token


def _sweep() -> None:
    """Delete stored uploads older than an hour (abandoned imports)."""
    limit = time.time() - MAX_AGE_SECONDS
    for entry in _upload_dir().iterdir():
        try:
            if _TOKEN.match(entry.name) and entry.is_file() and entry.stat().st_mtime < limit:
                entry.unlink()
        except FileNotFoundError:  # Deleted by a concurrent request.
            pass


def _store(upload: UploadedFile) -> str:
    token = secrets.token_urlsafe(32)
    path = _path(token)
    with path.open("xb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    path.chmod(0o600)
    return token


def _pending(request: HttpRequest, access: Access) -> dict[str, Any] | None:
    """The user's stored upload for this partnership, if it is still there and not expired."""
    entry = request.session.get(SESSION_KEY, {}).get(access.partnership.slug)
    if not entry:
        return None
    fresh = time.time() - entry.get("created", 0) < MAX_AGE_SECONDS
    owned = (
        entry.get("user") == request.user.pk and entry.get("partnership") == access.partnership.pk
    )
    valid = _TOKEN.match(str(entry.get("token", ""))) is not None
    if not (fresh and owned and valid and _path(entry["token"]).is_file()):
        _discard(request, access)
        return None
    return dict(entry)


def _discard(request: HttpRequest, access: Access) -> None:
    uploads = request.session.get(SESSION_KEY, {})
    entry = uploads.pop(access.partnership.slug, None)
    if entry:
        if _TOKEN.match(str(entry.get("token", ""))):
            _path(entry["token"]).unlink(missing_ok=True)
        request.session[SESSION_KEY] = uploads


def _organisations(access: Access) -> list[Organisation]:
    """Reporters import for their own organisation; coordinators and analysts for any."""
    if access.role == Role.REPORTER and access.organisation is not None:
        return [access.organisation]
    return list(access.partnership.organisations.all())


# --------------------------------------------------------------------------- views


@login_required
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 1: upload the file and choose the organisation it comes from."""
    access = get_access(request, slug, IMPORTERS)
    organisations = _organisations(access)
    form = UploadForm(request.POST or None, request.FILES or None, organisations=organisations)
    problems: list[RowError] = []
    if request.method == "POST" and form.is_valid():
        _sweep()
        _discard(request, access)
        file = form.cleaned_data["file"]
        token = _store(file)
        try:
            tabular.preview(
                _path(token).read_bytes(), file.name, limits=upload_limits.import_limits()
            )
        except SourceError as exc:
            _path(token).unlink(missing_ok=True)
            problems = upload_limits.problems(exc)
        else:
            uploads = request.session.get(SESSION_KEY, {})
            uploads[slug] = {
                "token": token,
                "user": request.user.pk,
                "partnership": access.partnership.pk,
                "organisation": form.cleaned_data["organisation"].pk,
                "filename": Path(file.name).name[:300],
                "created": time.time(),
            }
            request.session[SESSION_KEY] = uploads
            return redirect("incident-import-mapping", slug=slug)
    context = {
        "access": access,
        "form": form,
        "problems": problems,
        "organisations": organisations,
        "max_bytes": upload_limits.upload_max_bytes(),
        "too_large": upload_limits.too_large_upload_message(),
        "template_formats": ("xlsx", "csv"),
    }
    status = 400 if problems or form.errors else 200
    return render(request, "incidents/import_upload.html", context, status=status)


@login_required
def mapping(request: HttpRequest, slug: str) -> HttpResponse:
    """Steps 2 and 3: choose the columns, then import every row or none."""
    access = get_access(request, slug, IMPORTERS)
    pending = _pending(request, access)
    organisation = _pending_organisation(access, pending)
    if pending is None or organisation is None:
        messages.info(
            request, _("Upload the file first. Files not imported within an hour are deleted.")
        )
        return redirect("incident-import", slug=slug)
    data = _path(pending["token"]).read_bytes()
    preview = tabular.preview(data, pending["filename"], limits=upload_limits.import_limits())
    form = MappingForm(
        request.POST or None,
        headers=preview.headers,
        initial_mapping=_initial_mapping(organisation, preview),
    )
    problems: list[RowError] = []
    if request.method == "POST" and form.is_valid():
        if _needs_values(request, access, organisation, data, pending, form):
            return redirect("incident-import-values", slug=slug)
        try:
            summary = import_incidents(
                access.partnership,
                organisation,
                data,
                pending["filename"],
                mapping=form.mapping(),
                sharing=form.cleaned_data["sharing"],
                actor=request.user,
            )
        except SourceError as exc:
            problems = upload_limits.problems(exc)
        else:
            return _imported(request, access, organisation, form.mapping(), summary, pending)
    context = {"preview": preview, **_step_context(access, form, organisation, pending, problems)}
    status = 400 if problems or form.errors else 200
    return render(request, "incidents/import_mapping.html", context, status=status)


def _step_context(
    access: Access,
    form: Any,
    organisation: Organisation,
    pending: dict[str, Any],
    problems: list[RowError],
) -> dict[str, Any]:
    """What the column and the value step both show: the form and the file's problems."""
    return {
        "access": access,
        "form": form,
        "organisation": organisation,
        "filename": pending["filename"],
        "problems": problems[:SHOWN_PROBLEMS],
        "n_problems": len(problems),
        "hidden_problems": max(len(problems) - SHOWN_PROBLEMS, 0),
    }


def _pending_organisation(access: Access, pending: dict[str, Any] | None) -> Organisation | None:
    """The organisation the stored upload is for, if the user may still import for it."""
    if pending is None:
        return None
    return next((o for o in _organisations(access) if o.pk == pending["organisation"]), None)


def _needs_values(
    request: HttpRequest,
    access: Access,
    organisation: Organisation,
    data: bytes,
    pending: dict[str, Any],
    form: MappingForm,
) -> bool:
    """Whether the file has words to map first; if so, remember the columns for step 3."""
    try:
        found = mappings.unmapped(
            access.partnership, organisation, data, pending["filename"], form.mapping()
        )
    except SourceError:
        return False  # the import names the file's problems
    if not found:
        return False
    uploads = request.session.get(SESSION_KEY, {})
    uploads[access.partnership.slug] = {
        **pending, "columns": form.mapping(), "sharing": form.cleaned_data["sharing"]
    }  # fmt: skip
    request.session[SESSION_KEY] = uploads
    return True


def _initial_mapping(organisation: Organisation, preview: tabular.Preview) -> dict[str, str]:
    """The organisation's saved choice where the file has those columns, else the suggestion."""
    return {**preview.suggested, **mappings.saved_columns(organisation, preview.headers)}


def _imported(
    request: HttpRequest,
    access: Access,
    organisation: Organisation,
    chosen: dict[str, str],
    summary: ImportSummary,
    pending: dict[str, Any],
    confirmed: dict[str, dict[str, str]] | None = None,
) -> HttpResponse:
    """After a successful import: remember the mappings, delete the file, show the summary."""
    mappings.save(organisation, chosen, confirmed)
    _discard(request, access)
    logger.info(
        "incident import partnership=%s organisation=%s created=%d unchanged=%d",
        access.partnership.pk, organisation.pk, summary.created, summary.unchanged,
    )  # fmt: skip
    context = {"access": access, "summary": summary, "organisation": organisation,
               "filename": pending["filename"]}  # fmt: skip
    return render(request, "incidents/import_result.html", context)


@login_required
def history(request: HttpRequest, slug: str) -> HttpResponse:
    """Every import of the partnership, newest first: partners' files and police events."""
    access = get_access(request, slug, STAFF)
    batches = ImportBatch.objects.filter(partnership=access.partnership).select_related(
        "organisation", "created_by"
    )
    page = Paginator(batches, 50).get_page(request.GET.get("page"))
    return render(request, "incidents/import_history.html", {"access": access, "page": page})
