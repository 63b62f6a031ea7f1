"""Victims' Code: rights, needs assessments, updates owed, referrals and feedback."""
