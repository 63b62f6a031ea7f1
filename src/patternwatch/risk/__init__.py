"""Risk: THRIVE gradings on incidents, S-DASH/DASH/digital risk assessments on crimes."""
