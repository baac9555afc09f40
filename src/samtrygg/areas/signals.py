"""What the areas app tells others: its areas changed.

Incidents link to the areas that contain them (:mod:`samtrygg.incidents.linking`). The incidents
app depends on the areas app, not the other way round, so area changes are announced here and the
incidents app answers; the receiver runs in the sender's transaction, so an area and its links are
saved together or not at all.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with ``partnership`` and ``areas`` (a QuerySet of the added or reshaped areas) after areas
# are created or their geometry replaced. Deleting an area needs no signal: its links cascade.
areas_changed = Signal()
