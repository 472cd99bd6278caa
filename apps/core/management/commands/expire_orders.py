"""`manage.py expire_orders`: expire the unpaid orders whose payment deadline has passed.

Runs the job once; Celery beat runs the same job every minute (`apps.core.tasks.expire_orders`).
"""

from datetime import UTC

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime


class Command(BaseCommand):
    help = (
        "Expire every pending order whose expires_at has passed: status expired, stock and voucher use given "
        "back once, order.expired recorded. Safe to run at any time and concurrently with itself, payments "
        "and cancels (each order moves in its own locked transaction). Celery beat runs the same job every minute."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--now", help="An ISO 8601 instant to compare deadlines with (default: now).")

    def handle(self, *args, **options) -> None:
        now = None
        if options["now"]:
            now = parse_datetime(options["now"])
            if now is None:
                raise CommandError(f"--now {options['now']!r} is not an ISO 8601 date and time.")
            if timezone.is_naive(now):
                now = timezone.make_aware(now, UTC)
        expired = apps.get_app_config("core").container.order_expiry_service().expire_due(now)
        for number in expired:
            self.stdout.write(f"expired {number}")
        self.stdout.write(self.style.SUCCESS(f"{len(expired)} unpaid order(s) expired."))
