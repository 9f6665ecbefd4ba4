"""Forms shared by every feature."""

from __future__ import annotations

from flask_wtf import FlaskForm


class PostForm(FlaskForm):
    """A button that changes state: a bare POST carrying only its CSRF token."""
