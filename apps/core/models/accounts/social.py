"""A user's identity at a sign-in provider (Google, Facebook)."""

from django.conf import settings
from django.db import models


class SocialProvider(models.TextChoices):
    """Providers of social sign-in."""

    GOOGLE = "google", "Google"
    FACEBOOK = "facebook", "Facebook"


class SocialAccount(models.Model):
    """Links a provider's subject id (Google `sub`, Facebook user id) to one of our users."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="social_accounts")
    provider = models.CharField(max_length=16, choices=SocialProvider.choices)
    subject = models.CharField(max_length=255)
    email = models.EmailField(max_length=254, blank=True)  # as the provider last gave it
    created_at = models.DateTimeField(auto_now_add=True)
    last_login = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("id",)
        constraints = [models.UniqueConstraint(fields=("provider", "subject"), name="social_provider_subject_unique")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject}"
