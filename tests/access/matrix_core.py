"""Access rules of the foundation's routes (auth, public, admin, role homes, API system)."""

from .rules import ADMIN_ONLY, COORDINATION, EVERYONE, SIGNED_IN, Route, roles
from .world import World, extend_world

RULES = {
    "public.index": Route("/", EVERYONE),
    "public.favicon": Route("/favicon.ico", EVERYONE),
    "public.robots": Route("/robots.txt", EVERYONE),
    "public.search": Route("/search?q=测试", EVERYONE),
    "public.entity": Route("/entity/{entity}", EVERYONE),
    "public.report": Route("/entity/{entity}/report", EVERYONE),
    "auth.login": Route("/auth/login", EVERYONE),
    "auth.logout": Route("/auth/logout", SIGNED_IN, method="POST"),
    "auth.set_language": Route("/auth/lang/en", EVERYONE),
    "auth.account": Route("/auth/account", SIGNED_IN),
    "auth.forgot_password": Route("/auth/reset", EVERYONE),
    "auth.two_step": Route("/auth/two-step", EVERYONE),
    "auth.two_step_setup": Route("/auth/two-step/setup", SIGNED_IN),
    "auth.two_step_off": Route("/auth/two-step/off", SIGNED_IN, method="POST"),
    # signed-in users are sent home (302), which the matrix reads as allowed
    "auth.register": Route("/auth/register", EVERYONE),
    "auth.reset_password": Route("/auth/reset/not-a-token", EVERYONE),
    "auth.notification_list": Route("/auth/notifications", SIGNED_IN),
    "auth.notifications_read": Route("/auth/notifications/read", SIGNED_IN, method="POST"),
    # the own notification is the inspector's: nobody else opens it, an administrator neither
    "auth.notification_open": Route("/auth/notifications/{notification}", roles(inspector="own")),
    "admin.index": Route("/admin/", ADMIN_ONLY),
    "admin.agencies": Route("/admin/agencies", ADMIN_ONLY),
    "admin.agency_new": Route("/admin/agencies/new", ADMIN_ONLY),
    "admin.agency_edit": Route("/admin/agencies/{agency}", ADMIN_ONLY),
    "admin.users": Route("/admin/users", ADMIN_ONLY),
    "admin.user_new": Route("/admin/users/new", ADMIN_ONLY),
    "admin.user_edit": Route("/admin/users/{user}", ADMIN_ONLY),
    "admin.audit": Route("/admin/audit", ADMIN_ONLY),
    "coordinator.index": Route("/coordinator/", COORDINATION),
    "inspector.index": Route("/inspector/", roles(inspector="both")),
    "inspector.conflicts_page": Route("/inspector/conflicts", roles(inspector="both")),
    # the own declaration is the inspector's, the other the second inspector's
    "inspector.conflict_end": Route("/inspector/conflicts/{declaration}/end", roles(inspector="own"), method="POST"),
    "enterprise.index": Route("/enterprise/", roles(enterprise="both")),
    "api-docs.openapi_json": Route("/api/v1/openapi.json", EVERYONE, json=True),
    "api_system.health": Route("/api/v1/health", EVERYONE, json=True),
    "api_system.me": Route("/api/v1/me", SIGNED_IN, json=True),
    "api_notifications.notification_list": Route("/api/v1/notifications", SIGNED_IN, json=True),
    "api_notifications.notifications_read": Route("/api/v1/notifications/read", SIGNED_IN, method="POST",
                                                  json=True),
}

RULES["profile.entity"] = Route(
    "/entities/{entity}",
    roles(admin="both", coordinator="both", inspector="own", enterprise="own"),
)
RULES["api-docs.openapi_swagger_ui"] = Route("/api/v1/docs", EVERYONE)
RULES["api_system.ready"] = Route("/api/v1/ready", EVERYONE, json=True)


@extend_world
def notifications(make, world: World) -> None:  # noqa: ANN001
    """A notification and a conflict declaration of the inspector (own) and of the second inspector (other)."""
    from sqlalchemy import select

    from models import ConflictDeclaration, Notification, User
    from regulator.extensions import db

    for side, username in (("own", "inspector"), ("other", "inspector2")):
        user_id = db.session.scalar(select(User.id).where(User.username == username))
        note = Notification(user_id=user_id, kind="tasks.assigned", subject_type="campaign", subject_id=1,
                            details={"visits": 1})
        declaration = ConflictDeclaration(user_id=user_id, entity_id=world.other["entity"], reason="亲属")
        db.session.add_all([note, declaration])
        db.session.flush()
        getattr(world, side).update(notification=note.id, declaration=declaration.id)
