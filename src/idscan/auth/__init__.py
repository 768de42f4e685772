"""API credentials, JWT verification and the FastAPI dependency that authenticates a request."""
