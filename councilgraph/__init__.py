"""councilgraph: council papers → knowledge graph + full-text index + server."""
__version__ = "0.1.0"
