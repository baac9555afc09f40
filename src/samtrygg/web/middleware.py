"""Language selection: Swedish unless the user has chosen English.

Django's LocaleMiddleware follows the browser's Accept-Language, which would show English to every
Swedish official whose browser happens to be English. Samtrygg is a Swedish public-sector tool, so
only an explicit choice (the language cookie set by the switch) changes the language.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
