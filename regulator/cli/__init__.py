"""`flask` command groups, registered by the app factory."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every command group."""
    from .agencies import agencies
    from .campaigns import campaign
    from .credit import credit, search
    from .demo import demo
    from .graph import graph
    from .ingest import ingest
    from .linkage import linkage
    from .notices import notices
    from .risk import risk
    from .tokens import tokens
    from .translations import translate
    from .users import users

    groups = (
        users, agencies, tokens, demo, translate, credit, search,
        ingest,
        graph,
        risk,
        campaign,
        linkage,
        notices,
    )
    for group in groups:
        app.cli.add_command(group)
