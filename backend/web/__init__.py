"""Pages for people: the web chat page (and, later, the staff console)."""
