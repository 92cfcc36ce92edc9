"""Root conftest: puts the repository root on sys.path so `graph`, `search`, `server` import in tests."""
