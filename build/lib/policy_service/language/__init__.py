"""language."""
from policy_service.language import kinds_account  # noqa: F401  (registers the account kinds)
