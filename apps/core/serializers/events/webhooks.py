"""Serializers of `/api/webhooks/` and its deliveries."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.models.events import EventType, WebhookDelivery, WebhookSubscription
from apps.core.serializers.common import PageQuerySerializer


class WebhookListQuerySerializer(PageQuerySerializer):
    """`page` and `page_size` of a webhook or delivery list."""


@extend_schema_field({"type": "string", "format": "uri", "maxLength": 2000})
class WebhookUrlField(serializers.CharField):
    """A receiver URL. Its shape, host and addresses are checked by the service's URL guard, which
    refuses anything but an http(s) URL resolving to public addresses (400 `unsafe_url`, attr `url`)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(max_length=2000, trim_whitespace=False, **kwargs)


class WebhookInputSerializer(serializers.Serializer):
    """A subscription: receiver URL, the event types it wants, whether it is on."""

    url = WebhookUrlField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=EventType.choices), min_length=1)
    is_active = serializers.BooleanField(default=True)

    def validate_events(self, value: list[str]) -> list[str]:
        """Drop repeats, keep the order given."""
        return list(dict.fromkeys(value))


class WebhookOutputSerializer(serializers.ModelSerializer):
    """A subscription. `secret` is the signing secret on the create response only, null afterwards."""

    events = serializers.ListField(child=serializers.ChoiceField(choices=EventType.choices))
    secret = serializers.SerializerMethodField()

    class Meta:
        model = WebhookSubscription
        fields = ("id", "url", "events", "is_active", "secret")

    def get_secret(self, obj: WebhookSubscription) -> str | None:
        """The secret when the view shows it (create), else null."""
        return obj.secret if self.context.get("show_secret") else None


class WebhookAttemptOutputSerializer(serializers.Serializer):
    """One try: status code (null without an answer), the first 1 KB of the answer, an error, when."""

    response_status = serializers.IntegerField(allow_null=True)
    response_body = serializers.CharField()
    error = serializers.CharField()
    at = serializers.DateTimeField()


class WebhookDeliveryOutputSerializer(serializers.ModelSerializer):
    """A delivery of one event to the subscription, with its attempt history (`attempt_log`)."""

    event = serializers.CharField(source="event.type")
    event_id = serializers.UUIDField()
    attempt_log = WebhookAttemptOutputSerializer(source="attempt_rows", many=True)

    class Meta:
        model = WebhookDelivery
        fields = (
            "id",
            "event_id",
            "event",
            "status",
            "attempts",
            "response_status",
            "next_attempt_at",
            "created_at",
            "attempt_log",
        )
