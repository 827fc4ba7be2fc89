"""The relationship graph: entities, persons, addresses and phones; point-in-time features and risk clusters."""

from .build import EDGE_COLUMNS, NODE_KINDS, RELATIONS, GraphInputError, RelationGraph, build_graph
from .communities import ClusterSettings, explain_clusters, find_clusters, score_clusters
from .features import FeatureSettings, feature_names, graph_features, personalised_pagerank

__all__ = [
    "EDGE_COLUMNS",
    "NODE_KINDS",
    "RELATIONS",
    "ClusterSettings",
    "FeatureSettings",
    "GraphInputError",
    "RelationGraph",
    "build_graph",
    "explain_clusters",
    "feature_names",
    "find_clusters",
    "graph_features",
    "personalised_pagerank",
    "score_clusters",
]
