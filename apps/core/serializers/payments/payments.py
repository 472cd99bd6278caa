"""Payment serializers: the payment request, the payment attempt, the provider's webhook event."""

from rest_framework import serializers

from apps.core.models.payments import Payment
from apps.core.services.payments import PAYMENT_METHODS, WEBHOOK_EVENT_TYPES


class PaymentInputSerializer(serializers.Serializer):
    """How to pay. The amount and currency are always the order's; clients cannot send them."""

    method = serializers.ChoiceField(choices=PAYMENT_METHODS)


class PaymentOutputSerializer(serializers.ModelSerializer):
    """A payment attempt: `status` is `succeeded`, `failed`, `pending` (awaiting the webhook) or `refunded`."""

    order = serializers.IntegerField(source="order_id", read_only=True)

    class Meta:
        model = Payment
        fields = (
            "id",
            "order",
            "amount",
            "currency",
            "method",
            "status",
            "reference",
            "provider",
            "failure_reason",
            "created_at",
        )
        read_only_fields = fields


class WebhookEventDataSerializer(serializers.Serializer):
    """The payment an event is about, and for failures the provider's reason."""

    reference = serializers.CharField(help_text="The payment's `reference`.")
    reason = serializers.CharField(required=False, help_text="Why a payment failed.")


class WebhookEventSerializer(serializers.Serializer):
    """A provider event (documentation only: the view verifies and parses the raw body itself)."""

    id = serializers.CharField(max_length=128, help_text="Unique event id; a redelivery is applied once.")
    type = serializers.ChoiceField(choices=WEBHOOK_EVENT_TYPES)
    data = WebhookEventDataSerializer()


class WebhookResultSerializer(serializers.Serializer):
    """The outcome of a delivery: `applied` is false when the event id was seen before."""

    event_id = serializers.CharField()
    applied = serializers.BooleanField()
