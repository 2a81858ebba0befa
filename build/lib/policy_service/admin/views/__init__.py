"""The admin screens, one module per area."""
