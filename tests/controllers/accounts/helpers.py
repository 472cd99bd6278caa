"""What the accounts HTTP tests share: paths, the user's field set, logging in, throttle rates."""

from tests.factories import DEFAULT_PASSWORD

REGISTER = "/api/auth/register/"
TOKEN = "/api/auth/token/"
REFRESH = "/api/auth/token/refresh/"
VERIFY = "/api/auth/token/verify/"
LOGOUT = "/api/auth/logout/"
LOGOUT_ALL = "/api/auth/logout-all/"
ME = "/api/auth/me/"
PASSWORD = "/api/auth/password/change/"
RESET = "/api/auth/password/reset/"
RESET_CONFIRM = "/api/auth/password/reset/confirm/"
EMAIL_VERIFY = "/api/auth/email/verify/"
EMAIL_VERIFY_RESEND = "/api/auth/email/verify/resend/"

USER_FIELDS = {
    "id",
    "email",
    "first_name",
    "last_name",
    "phone_number",
    "is_staff",
    "is_verified",
    "avatar_url",
    "created_at",
    "updated_at",
}


def login(client, email: str, password: str = DEFAULT_PASSWORD, **extra):
    """POST the credentials to the token endpoint; returns the response."""
    return client.post(TOKEN, {"email": email, "password": password}, format="json", **extra)
