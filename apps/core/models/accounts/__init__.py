"""The accounts domain's models: what other domains may use."""

from apps.core.models.accounts.social import SocialAccount, SocialProvider
from apps.core.models.accounts.users import User

__all__ = ["SocialAccount", "SocialProvider", "User"]
