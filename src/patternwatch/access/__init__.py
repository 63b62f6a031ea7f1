"""Users, roles, permissions, log-in and API tokens."""
