"""Access: API keys for other systems and admin-UI users."""
