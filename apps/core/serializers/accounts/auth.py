"""Auth serializers: registration, profile, password change, token bodies."""

from rest_framework import serializers

from apps.core.models.accounts import User
from apps.core.serializers.catalog import MediaUrlField


class RegisterInputSerializer(serializers.Serializer):
    """A sign-up: e-mail is the login name; the password meets Django's validators."""

    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class UserOutputSerializer(serializers.ModelSerializer):
    """The public view of an account: never the password or its hash."""

    avatar_url = MediaUrlField(source="avatar")  # the avatar's URL or null (PUT /api/auth/me/avatar/)

    class Meta:
        model = User
        fields = (
            "id",
            "email",
            "first_name",
            "last_name",
            "phone_number",
            "is_staff",
            "avatar_url",
            "is_verified",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class ProfileInputSerializer(serializers.Serializer):
    """Fields a user may change about themselves; `email` and `is_staff` are not among them."""

    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    # The value is matched once trimmed, so it never starts or ends with a space; saying so keeps
    # the documented pattern from admitting "   1", which trims to "1" and is refused.
    phone_number = serializers.RegexField(
        r"^(?! )\+?[0-9 ()\-.]{3,30}[0-9()\-.]$",
        max_length=32,
        required=False,
        allow_blank=True,
        error_messages={"invalid": "Enter a phone number of digits, spaces, dashes and an optional leading +."},
    )


class PasswordChangeInputSerializer(serializers.Serializer):
    """The current password and the new one."""

    old_password = serializers.CharField(max_length=128, style={"input_type": "password"})
    new_password = serializers.CharField(max_length=128, style={"input_type": "password"})


class LoginInputSerializer(serializers.Serializer):
    """Credentials for a token pair."""

    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})

    def validate_email(self, value: str) -> str:
        """Accounts are stored with a lower-cased e-mail (UserService.register); match that."""
        return value.strip().lower()


class TokenPairOutputSerializer(serializers.Serializer):
    """A JWT pair: `access` (lifetime set by JWT_ACCESS_LIFETIME_MIN) and `refresh`."""

    access = serializers.CharField()
    refresh = serializers.CharField()


class RefreshInputSerializer(serializers.Serializer):
    """A refresh token."""

    refresh = serializers.CharField(max_length=4096)


class VerifyInputSerializer(serializers.Serializer):
    """Any token (access or refresh) to check."""

    token = serializers.CharField(max_length=4096)


class PasswordResetInputSerializer(serializers.Serializer):
    """The e-mail of the account whose password was forgotten."""

    email = serializers.EmailField(max_length=254)


class EmailTokenInputSerializer(serializers.Serializer):
    """What an e-mailed link carries: the user's `uid` (URL-safe base64) and a single-use `token`."""

    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)


class PasswordResetConfirmInputSerializer(EmailTokenInputSerializer):
    """A reset link's uid and token, and the new password (Django's validators apply)."""

    new_password = serializers.CharField(max_length=128, style={"input_type": "password"})


class UserAdminOutputSerializer(UserOutputSerializer):
    """An account as a superuser sees it: the public view plus access (active, superuser, roles, last login)."""

    groups = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta(UserOutputSerializer.Meta):
        fields = (*UserOutputSerializer.Meta.fields, "is_active", "is_superuser", "groups", "last_login")
        read_only_fields = fields


class UserAccessInputSerializer(serializers.Serializer):
    """What a superuser may change: `is_active` and the complete list of `groups` (role names)."""

    is_active = serializers.BooleanField(required=False)
    groups = serializers.ListField(child=serializers.CharField(max_length=150), required=False, max_length=20)


class GoogleSignInInputSerializer(serializers.Serializer):
    """A Google ID token (a JWT from Google Identity Services)."""

    id_token = serializers.CharField(max_length=4096)


class FacebookSignInInputSerializer(serializers.Serializer):
    """A Facebook user access token."""

    access_token = serializers.CharField(max_length=4096)


class SocialSignInOutputSerializer(TokenPairOutputSerializer):
    """A JWT pair and whether the sign-in created the account."""

    created = serializers.BooleanField()
