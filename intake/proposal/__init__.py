"""The proposal, pure: the recommended package, its review schedule and what the
proposal and letter say. Its PDF, stored copies and the logo are in intake/documents/."""
