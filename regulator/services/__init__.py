"""Service layer: plain functions that change state, flush and log, and never commit."""
