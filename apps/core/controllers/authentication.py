"""`Authorization: Bearer <access JWT>`: simplejwt's authentication, its user read compiled once per connection."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from apps.core.models.accounts import User
from apps.core.services.accounts.auth import user_by_id


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's `JWTAuthentication` with the same checks, reading the user with `user_by_id`.

    Every authenticated request reads its user; Django compiling that query each time costs about
    as much as running it (see apps.core.infra.precompiled).
    """

    def get_user(self, validated_token: Token) -> User:
        """The token's user, as simplejwt's `get_user` answers (same errors and codes).

        Raises:
            InvalidToken: the token names no user.
            AuthenticationFailed: no such user (code "user_not_found"), an inactive one
                ("user_inactive"), or the password changed since (with CHECK_REVOKE_TOKEN, "password_changed").
        """
        if api_settings.USER_ID_FIELD != "id":  # the precompiled read looks users up by id
            return super().get_user(validated_token)
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as exc:
            raise InvalidToken(_("Token contained no recognizable user identification")) from exc
        user = user_by_id(user_id)
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        if api_settings.CHECK_REVOKE_TOKEN and validated_token.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise AuthenticationFailed(_("The user's password has been changed."), code="password_changed")
        return user


class JWTScheme(SimpleJWTScheme):
    """The OpenAPI security scheme of `JWTAuthentication`: drf-spectacular's for simplejwt (`jwtAuth`, bearer JWT)."""

    target_class = JWTAuthentication
