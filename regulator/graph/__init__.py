"""The relationship graph in the app: bulk loading from the database, builds, risk clusters, the profile view.

``graph_feature_frame(as_of)`` gives the risk model its graph features (see ``service``).
"""

from .service import graph_feature_frame, load_graph, rebuild_clusters, update_clusters

__all__ = ["graph_feature_frame", "load_graph", "rebuild_clusters", "update_clusters"]
