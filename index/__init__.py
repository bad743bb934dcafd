"""Adapters around the core: the SQLite record store and (issue 4) the whoosh search index."""
