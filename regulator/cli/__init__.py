"""`flask` command groups, registered by the app factory."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every command group."""
    from .agencies import agencies
    from .credit import credit, search
    from .demo import demo
    from .ingest import ingest
    from .tokens import tokens
    from .translations import translate
    from .users import users

    for group in (users, agencies, tokens, demo, translate, credit, search, ingest):
        app.cli.add_command(group)
