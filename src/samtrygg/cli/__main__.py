"""``python -m samtrygg.cli`` runs the ``samtrygg`` command."""

from __future__ import annotations

import sys

from samtrygg.cli import main

sys.exit(main())
