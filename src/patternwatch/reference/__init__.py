"""Home Office classifications and outcome codes: code lists held as data, extendable by admins."""
