"""Web plumbing for the admin: the secret key and CSRF protection."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect

SECRET_FILE = "secret_key"
csrf = CSRFProtect()


def secret_key(instance_path: Path, configured: str | None = None) -> str:
    """The configured key (Settings.secret_key), else one generated once into the instance.

    Several workers may start at once: the key is written to a temporary file and linked
    into place, so every worker ends up reading the same one.
    """
    if configured:
        return configured
    path = instance_path / SECRET_FILE
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=instance_path, prefix=".secret-")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
            os.chmod(tmp, 0o600)
            with contextlib.suppress(FileExistsError):  # another worker won: use its key
                os.link(tmp, path)
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


def protect_forms(app: Flask) -> None:
    """Flask-WTF CSRF for the admin's own forms; checked explicitly, so /v1 stays exempt.

    Model views validate their SecureForm token themselves; custom admin views call
    `csrf.protect()` on every POST (see views.base.ProtectedView).
    """
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
