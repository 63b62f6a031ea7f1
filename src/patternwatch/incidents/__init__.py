"""Incidents: calls for service and other reports, before or without a crime record."""
