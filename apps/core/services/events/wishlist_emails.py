"""Wishlist alerts: `product.back_in_stock` and `product.price_dropped` e-mailed to whoever wishlisted the product.

A product wishlisted by thousands of users is never one transaction or one task: `batches` reads
the recipients in pages (keyset on user id, `batch_size` per page), one `events.send_wishlist_emails`
task per page, and each user is sent in a transaction of its own. Exactly once per (event, user)
on an at-least-once queue: the receipt `ProcessedEvent(consumer="wishlist-email:<user id>")` is
inserted in the transaction that sends that user's message; a failing mail server rolls that one
receipt back and raises (the task retries and skips the users already receipted).
"""

import logging
from collections.abc import Iterator

from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from apps.core.models.accounts import User
from apps.core.models.catalog import Product
from apps.core.models.events import Event, EventType, ProcessedEvent
from apps.core.models.shopping import WishlistItem

logger = logging.getLogger(__name__)

# event type -> (template name under emails/, subject)
WISHLIST_EMAILS = {
    EventType.PRODUCT_BACK_IN_STOCK: ("wishlist_back_in_stock", "{name} is back in stock"),
    EventType.PRODUCT_PRICE_DROPPED: ("wishlist_price_dropped", "Price drop: {name} is now {price} {currency}"),
}


def receipt_consumer(user_id: int) -> str:
    """The `ProcessedEvent.consumer` of the wishlist e-mail to one user, e.g. "wishlist-email:42"."""
    return f"wishlist-email:{user_id}"


class WishlistEmailConsumer:
    """E-mails the users who wishlisted a product when it is back in stock or its price dropped.

    Args:
        from_email: the sender address (DEFAULT_FROM_EMAIL).
        shop_url: the front end's base URL (ACCOUNT_LINK_BASE_URL); the product link is
            `<shop_url>/products/<slug>/`.
        currency: the shop currency code shown next to prices (SHOP_CURRENCY).
        batch_size: users per batch task (WISHLIST_EMAIL_BATCH_SIZE).
    """

    def __init__(self, from_email: str, shop_url: str, currency: str, batch_size: int = 200) -> None:
        self._from_email = from_email
        self._shop_url = shop_url.rstrip("/")
        self._currency = currency
        self._batch_size = batch_size

    def batches(self, event_id: str) -> Iterator[list[int]]:
        """Ids of the active users who have the event's product on their wishlist, ascending, a page at a time.

        Nothing for an unknown event, an event of another type, or a product deleted or hidden
        since. Each page is one indexed query (`user_id > last id of the previous page`).

        Yields:
            Lists of at most `batch_size` user ids.
        """
        event = self._event(event_id)
        if event is None:
            return
        product_id = event.payload.get("product_id")
        if not Product.objects.alive().filter(pk=product_id, is_active=True).exists():
            return
        last = 0
        while True:
            ids = list(
                WishlistItem.objects.filter(product_id=product_id, user__is_active=True, user_id__gt=last)
                .order_by("user_id")
                .values_list("user_id", flat=True)[: self._batch_size]
            )
            if ids:
                yield ids
            if len(ids) < self._batch_size:
                return
            last = ids[-1]

    def send_batch(self, event_id: str, user_ids: list[int]) -> int:
        """E-mail each of these users who still wishlists the product and has no receipt yet.

        One SMTP session for the batch; one transaction per user (receipt + send).

        Returns:
            How many e-mails this call sent (0 when all were sent before).

        Raises:
            OSError (smtplib.SMTPException included): the mail server failed; the users sent
                before the failure keep their receipts, the rest are sent by the retry.
        """
        event = self._event(event_id)
        if event is None:
            return 0
        done = set(
            ProcessedEvent.objects.filter(
                event=event, consumer__in=[receipt_consumer(pk) for pk in user_ids]
            ).values_list("consumer", flat=True)
        )
        todo = [pk for pk in user_ids if receipt_consumer(pk) not in done]
        if not todo:
            return 0
        users = User.objects.filter(
            pk__in=todo, is_active=True, wishlist_items__product_id=event.payload.get("product_id")
        ).order_by("pk")
        sent = 0
        with get_connection() as connection:
            for user in users:
                sent += self._send_once(event, user, connection)
        logger.info("wishlist e-mails sent", extra={"event": str(event_id), "sent": sent, "batch": len(user_ids)})
        return sent

    def render(self, event: Event, user: User, connection: BaseEmailBackend | None = None) -> EmailMultiAlternatives:
        """The message to `user` for a wishlist event (text and HTML parts).

        The payload is the contract's: `product_id`, `name`, `slug`, `price` (and `stock` for back in
        stock, `previous_price` for a price drop); prices are decimal strings in the shop currency.
        """
        template, subject = WISHLIST_EMAILS[event.type]
        context = {
            **event.payload,
            "customer_name": user.first_name or user.email,
            "currency": self._currency,
            "link": f"{self._shop_url}/products/{event.payload.get('slug', '')}/",
        }
        message = EmailMultiAlternatives(
            subject=subject.format(**context),
            body=render_to_string(f"emails/{template}.txt", context),
            from_email=self._from_email,
            to=[user.email],
            headers={"X-Nexus-Event-Id": str(event.pk)},
            connection=connection,
        )
        message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
        return message

    def _send_once(self, event: Event, user: User, connection: BaseEmailBackend) -> bool:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    ProcessedEvent.objects.create(consumer=receipt_consumer(user.pk), event=event)
            except IntegrityError:  # another task sent it meanwhile
                return False
            self.render(event, user, connection).send()
        return True

    @staticmethod
    def _event(event_id: str) -> Event | None:
        return Event.objects.filter(pk=event_id, type__in=list(WISHLIST_EMAILS)).first()
