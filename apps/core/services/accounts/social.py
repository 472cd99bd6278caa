"""Social sign-in: a provider's verified identity becomes one of our accounts and a JWT pair."""

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from apps.core.exceptions import AuthenticationFailedError
from apps.core.models.accounts import SocialAccount, User
from apps.core.services.accounts.auth import AuthService, TokenPair
from apps.core.services.accounts.providers import (
    FacebookIdentityVerifier,
    GoogleIdentityVerifier,
    ProviderIdentity,
    invalid_token,
)


class SocialSignInService:
    """Signs users in with Google or Facebook.

    Args:
        auth: issues the JWT pair.
        google / facebook: check the provider's token and say who it names.
    """

    def __init__(self, auth: AuthService, google: GoogleIdentityVerifier, facebook: FacebookIdentityVerifier) -> None:
        self._auth = auth
        self._verifiers = {"google": google, "facebook": facebook}

    def sign_in(self, provider: str, token: str) -> tuple[TokenPair, bool]:
        """Verify `token` with `provider`, find or create the account, and issue a pair.

        An identity seen before signs in to its linked account. Otherwise a provider-verified
        e-mail links to the account with that e-mail or creates a verified account with no usable
        password; linking to an account whose e-mail was never verified also drops its password
        and sessions (the address may have been squatted). An unverified e-mail never links to an
        existing account.

        Returns:
            (pair, created): created is True when a new account was made.

        Raises:
            AuthenticationFailedError: the token is invalid (`invalid_social_token`), the provider
                gave no e-mail (`social_email_missing`), its unverified e-mail belongs to an account
                (`social_email_not_verified`), or the linked account is deactivated.
            ServiceUnavailableError: the provider could not be reached (`provider_unavailable`).
        """
        identity = self._verifiers[provider].identity(token)
        try:
            with transaction.atomic():
                user, created = self._account_for(identity)
        except IntegrityError:  # a concurrent first sign-in of the same identity or e-mail made it first
            with transaction.atomic():
                user, created = self._account_for(identity)
        if not user.is_active:
            raise invalid_token(provider.title())
        return self._auth.issue(user), created

    def _account_for(self, identity: ProviderIdentity) -> tuple[User, bool]:
        link = (
            SocialAccount.objects.select_related("user")
            .filter(provider=identity.provider, subject=identity.subject)
            .first()
        )
        if link is not None:
            SocialAccount.objects.filter(pk=link.pk).update(email=identity.email, last_login=timezone.now())
            return link.user, False
        if not identity.email:
            raise AuthenticationFailedError(
                "The provider did not share an e-mail address.", code="social_email_missing"
            )
        email = User.objects.normalize_email(identity.email).lower()
        user = User.objects.alias(email_lower=Lower("email")).filter(email_lower=email).first()
        created = user is None
        if user is not None and not identity.email_verified:
            raise AuthenticationFailedError(
                "The provider has not verified this e-mail address.", code="social_email_not_verified"
            )
        if user is None:
            user = User.objects.create_user(email=email, password=None, is_verified=identity.email_verified)
        elif not user.is_verified:
            # Whoever registered this unproven address may not be its owner: the provider just proved
            # who is. Their password and sessions go, so a squatter cannot keep a way in.
            user.is_verified = True
            user.set_unusable_password()
            user.save(update_fields=["is_verified", "password", "updated_at"])
            self._auth.logout_all(user)
        SocialAccount.objects.create(
            user=user, provider=identity.provider, subject=identity.subject, email=email, last_login=timezone.now()
        )
        return user, created
