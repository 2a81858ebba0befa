"""The receivables day: the run, its batch steps, account facts, reviews."""
