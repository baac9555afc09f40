"""Accounts: signing in with a password and a second factor, and the records sign-ins leave.

- :mod:`samtrygg.accounts.views`: the sign-in page (:class:`~samtrygg.accounts.views.LoginView`);
- :mod:`samtrygg.accounts.twofactor`: two-factor sign-in (TOTP and backup codes) and the
  middleware that enforces it;
- :mod:`samtrygg.accounts.retention`: how long the sign-in records (django-axes) are kept.

The devices are django-otp's models and the sign-in records django-axes's, so this app has no
models or migrations of its own.
"""
