"""Imports from crime recording systems (Niche, Athena, ...) and police.uk open data."""
