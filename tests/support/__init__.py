"""Reusable test helpers (servers, factories) shared by the test packages."""
