"""Business rules. Keyword-only functions that take a session and never commit it."""
