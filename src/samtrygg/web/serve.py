"""``samtrygg serve``: migrate the database and serve the application with waitress."""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.management import call_command


def prepare_database() -> None:
    """Create the data directory and bring the database schema up to date."""
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)


def serve(port: int, host: str = "127.0.0.1", migrate: bool = True) -> None:
    """Serve until interrupted."""
    from waitress import serve as waitress_serve

    from samtrygg.web.wsgi import application

    if migrate:
        prepare_database()
    print(f"Samtrygg is served at http://{host}:{port}/ (Ctrl+C stops it)", file=sys.stderr)
    waitress_serve(application, host=host, port=port, threads=8, ident="samtrygg")
