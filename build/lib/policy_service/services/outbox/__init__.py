"""The outbox: queued messages and their delivery adapters."""
