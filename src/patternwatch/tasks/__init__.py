"""Task inbox: what is due or overdue for a user or team, across the safeguarding domains."""
