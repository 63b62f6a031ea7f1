"""Protective orders (SPOs, restraining, non-molestation, bail conditions) and breaches."""
