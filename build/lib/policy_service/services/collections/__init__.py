"""Collections: disputes, payment plans and promises to pay, contacts and the worklist."""
