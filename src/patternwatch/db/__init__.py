"""Database plumbing: declarative base, engine and sessions, portable types, migrations."""
