"""Access rules of the relationship graph: the profile's graph JSON and the coordinator's risk clusters."""

from __future__ import annotations

from models import ClusterMember, RiskCluster

from .rules import COORDINATION, Route, roles
from .world import World, extend_world

OWN_ENTITY = roles(admin="both", coordinator="both", inspector="own", enterprise="own")
RULES = {
    "profile.graph_json": Route("/entities/{entity}/graph.json", OWN_ENTITY, json=True),
    "coordinator.clusters": Route("/coordinator/clusters", COORDINATION),
    "coordinator.cluster": Route("/coordinator/clusters/{cluster}", COORDINATION),
    "coordinator.cluster_to_campaign": Route("/coordinator/clusters/{cluster}/campaign", COORDINATION,
                                             method="POST", data={"campaign_id": "new"}),
}


@extend_world
def graph_objects(make, world: World) -> None:  # noqa: ANN001
    """A risk cluster on each side (clusters span agencies: coordinators reach both)."""
    from regulator.extensions import db

    for side in ("own", "other"):
        cluster = RiskCluster(build="2024-06-01-test", size=1, score=0.5, reasons=[], stats={})
        db.session.add(cluster)
        db.session.flush()
        db.session.add(ClusterMember(cluster_id=cluster.id, entity_id=getattr(world, side)["entity"]))
        getattr(world, side)["cluster"] = cluster.id
    db.session.flush()
