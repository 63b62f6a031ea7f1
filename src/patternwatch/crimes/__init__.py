"""Crime records with one principal and any number of included Home Office classifications."""
