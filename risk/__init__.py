"""Risk analytics without Flask: features, the LightGBM model, credit classes, the relationship graph and
campaign planning. Everything here takes and returns pandas objects and networkx graphs."""

__all__: list[str] = []
