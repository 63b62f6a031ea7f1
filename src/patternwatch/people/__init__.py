"""People (victims, suspects, witnesses, third parties) and their involvement in records."""
