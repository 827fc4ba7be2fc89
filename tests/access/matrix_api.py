"""Access rules of the API machinery's routes: objections and credit repairs over JSON, the admin page of tokens."""

from __future__ import annotations

from models import Agency

from .rules import ADMIN_ONLY, Route, roles
from .world import World, extend_world

RULES = {
    "api_objections.objections": Route("/api/v1/objections", roles(admin="both", coordinator="both",
                                                                   enterprise="both"), json=True),
    "api_objections.objection": Route("/api/v1/objections/{objection}",
                                      roles(admin="both", coordinator="own", enterprise="own"), json=True),
    "api_objections.document": Route("/api/v1/objections/{objection}/documents/{attachment}",
                                     roles(admin="both", coordinator="own", enterprise="own"), json=True),
    "api_repairs.repairs": Route("/api/v1/repairs", roles(admin="both", coordinator="both", enterprise="both"),
                                 json=True),
    "api_repairs.repairable": Route("/api/v1/repairs/repairable", roles(enterprise="both"), json=True),
    "api_repairs.repair": Route("/api/v1/repairs/{repair}", roles(admin="both", coordinator="own", enterprise="own"),
                                json=True),
    "api_repairs.document": Route("/api/v1/repairs/{repair}/documents/{repair_attachment}",
                                  roles(admin="both", coordinator="own", enterprise="own"), json=True),
    "admin.tokens": Route("/admin/tokens", ADMIN_ONLY),
    "admin.token_new": Route("/admin/tokens/new", ADMIN_ONLY),
    "admin.token_revoke": Route("/admin/tokens/{token}/revoke", ADMIN_ONLY, method="POST"),
}


@extend_world
def api_tokens(make, world: World) -> None:  # noqa: ANN001
    """One API token per agency (own: SAMR's, other: MEE's)."""
    from regulator.extensions import db
    from regulator.services.tokens import issue_token

    for side, key in (("own", "samr"), ("other", "mee")):
        _clear, token = issue_token(db.session.get(Agency, world.ids[key]), f"{side}-system")
        getattr(world, side)["token"] = token.id
