"""Fixtures shared by the plans tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings


@pytest.fixture
def as_user(client_for: Any) -> Any:
    """Sign in as a persona with English pages (the texts tested are the English msgids)."""

    def sign_in(persona: str) -> Any:
        client = client_for(persona)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return sign_in
