"""Account e-mails and links at the service level: composition, the order rule, user administration."""

import pytest

from apps.core.exceptions import EmailNotVerifiedError, InvalidInputError, NotFoundError
from apps.core.services.accounts import AccessChange, AccountMailer
from apps.core.services.accounts.tokens import encode_uid, password_reset_tokens
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_password_reset_message_has_text_and_html_with_the_same_link():
    user = UserFactory(first_name="Ada")
    message = AccountMailer(from_email="shop@example.com", link_base_url="https://shop.example/").password_reset(user)
    link = f"https://shop.example/reset-password/?uid={encode_uid(user)}&token="
    assert message.to == user.email
    assert link in message.text
    assert link.replace("&", "&amp;") in message.html
    assert "Hello Ada" in message.text
    token = message.text.split("token=")[1].split()[0]
    assert password_reset_tokens.check_token(user, token)


@pytest.mark.parametrize(
    ("required", "verified", "refused"), [(False, False, False), (True, True, False), (True, False, True)]
)
def test_check_may_order(container, settings, required, verified, refused):
    settings.REQUIRE_VERIFIED_EMAIL_TO_ORDER = required  # read by the container when it builds the service
    service = container.email_verification_service()
    user = UserFactory(is_verified=verified)
    if refused:
        with pytest.raises(EmailNotVerifiedError):
            service.check_may_order(user)
    else:
        assert service.check_may_order(user) is None


def test_update_access_refuses_unknown_groups_and_ids(container):
    service = container.user_administration_service()
    actor = UserFactory(is_superuser=True)
    with pytest.raises(InvalidInputError) as caught:
        service.update_access(actor, UserFactory().pk, AccessChange(groups=["nope"]))
    assert caught.value.code == "unknown_group"
    with pytest.raises(NotFoundError):
        service.update_access(actor, 999999, AccessChange(is_active=False))
    with pytest.raises(InvalidInputError) as caught:
        service.update_access(actor, actor.pk, AccessChange(is_active=False))
    assert caught.value.code == "cannot_deactivate_self"
