"""Routes of the core app, all under `/api/`."""

from django.urls import path

from apps.core.controllers.accounts import auth, avatar, profile, recovery, social, users
from apps.core.controllers.catalog import categories, facets, images, products, reviews, variants
from apps.core.controllers.events import webhooks as events  # events: issue 14
from apps.core.controllers.payments import webhooks as payments
from apps.core.controllers.promotions import vouchers
from apps.core.controllers.shipping import addresses
from apps.core.controllers.shipping import methods as shipping
from apps.core.controllers.shopping import cart, checkout, orders, refunds, wishlist

urlpatterns = [
    path("auth/register/", auth.RegisterController.as_view(), name="auth-register"),
    path("auth/token/", auth.TokenObtainController.as_view(), name="auth-token"),
    path("auth/token/refresh/", auth.TokenRefreshController.as_view(), name="auth-token-refresh"),
    path("auth/token/verify/", auth.TokenVerifyController.as_view(), name="auth-token-verify"),
    path("auth/logout/", auth.LogoutController.as_view(), name="auth-logout"),
    path("auth/logout-all/", auth.LogoutAllController.as_view(), name="auth-logout-all"),
    path("auth/me/", profile.MeController.as_view(), name="auth-me"),
    path("auth/me/avatar/", avatar.AvatarController.as_view(), name="auth-me-avatar"),
    path("auth/password/change/", profile.PasswordChangeController.as_view(), name="auth-password-change"),
    path("auth/password/reset/", recovery.PasswordResetController.as_view(), name="auth-password-reset"),
    path(
        "auth/password/reset/confirm/",
        recovery.PasswordResetConfirmController.as_view(),
        name="auth-password-reset-confirm",
    ),
    path("auth/email/verify/", recovery.EmailVerifyController.as_view(), name="auth-email-verify"),
    path("auth/email/verify/resend/", recovery.EmailVerifyResendController.as_view(), name="auth-email-verify-resend"),
    path("auth/social/google/", social.GoogleSignInController.as_view(), name="auth-social-google"),
    path("auth/social/facebook/", social.FacebookSignInController.as_view(), name="auth-social-facebook"),
    path("users/", users.UserCollectionController.as_view(), name="user-list"),
    path("users/<int:user_id>/", users.UserItemController.as_view(), name="user-detail"),
    path("categories/", categories.CategoryCollectionController.as_view(), name="category-list"),
    path("categories/<int:category_id>/", categories.CategoryItemController.as_view(), name="category-detail"),
    path("categories/<int:category_id>/image/", images.CategoryImageController.as_view(), name="category-image"),
    path("products/", products.ProductCollectionController.as_view(), name="product-list"),
    path("products/facets/", facets.ProductFacetsController.as_view(), name="product-facets"),
    path("products/<int:product_id>/", products.ProductItemController.as_view(), name="product-detail"),
    path("products/<int:product_id>/restore/", products.ProductRestoreController.as_view(), name="product-restore"),
    path("products/<int:product_id>/publish/", products.ProductPublishController.as_view(), name="product-publish"),
    path(
        "products/<int:product_id>/reviews/",
        reviews.ProductReviewCollectionController.as_view(),
        name="product-reviews",
    ),
    path("products/<int:product_id>/images/", images.ProductImageCollectionController.as_view(), name="product-images"),
    path(
        "products/<int:product_id>/images/<int:image_id>/",
        images.ProductImageItemController.as_view(),
        name="product-image-detail",
    ),
    path(
        "products/<int:product_id>/variants/",
        variants.VariantCollectionController.as_view(),
        name="product-variants",
    ),
    path(
        "products/<int:product_id>/variants/<int:variant_id>/",
        variants.VariantItemController.as_view(),
        name="product-variant-detail",
    ),
    path("option-types/", variants.OptionTypeCollectionController.as_view(), name="option-type-list"),
    path("option-types/<int:type_id>/", variants.OptionTypeItemController.as_view(), name="option-type-detail"),
    path(
        "option-types/<int:type_id>/values/",
        variants.OptionValueCollectionController.as_view(),
        name="option-type-values",
    ),
    path("inventory/low-stock/", variants.LowStockController.as_view(), name="inventory-low-stock"),
    path("cart/", cart.CartController.as_view(), name="cart"),
    path("cart/items/", cart.CartItemCollectionController.as_view(), name="cart-item-list"),
    path("cart/items/<int:item_id>/", cart.CartItemController.as_view(), name="cart-item-detail"),
    path("orders/", orders.OrderCollectionController.as_view(), name="order-list"),
    path("orders/<int:order_id>/", orders.OrderItemController.as_view(), name="order-detail"),
    path("orders/<int:order_id>/cancel/", orders.OrderCancelController.as_view(), name="order-cancel"),
    path("orders/<int:order_id>/payments/", orders.OrderPaymentCollectionController.as_view(), name="order-payments"),
    path("orders/<int:order_id>/refunds/", refunds.OrderRefundCollectionController.as_view(), name="order-refunds"),
    path("payments/webhook/", payments.PaymentWebhookController.as_view(), name="payment-webhook"),
    path("wishlist/", wishlist.WishlistCollectionController.as_view(), name="wishlist"),
    path("wishlist/<int:product_id>/", wishlist.WishlistItemController.as_view(), name="wishlist-item"),
    path("addresses/", addresses.AddressCollectionController.as_view(), name="address-list"),
    path("addresses/<int:address_id>/", addresses.AddressItemController.as_view(), name="address-detail"),
    path("shipping-methods/", shipping.ShippingMethodCollectionController.as_view(), name="shipping-method-list"),
    path(
        "shipping-methods/<int:method_id>/",
        shipping.ShippingMethodItemController.as_view(),
        name="shipping-method-detail",
    ),
    path("tax-rates/", shipping.TaxRateCollectionController.as_view(), name="tax-rate-list"),
    path("tax-rates/<int:rate_id>/", shipping.TaxRateItemController.as_view(), name="tax-rate-detail"),
    path("vouchers/", vouchers.VoucherCollectionController.as_view(), name="voucher-list"),
    path("vouchers/<int:voucher_id>/", vouchers.VoucherItemController.as_view(), name="voucher-detail"),
    path("checkout/quote/", checkout.CheckoutQuoteController.as_view(), name="checkout-quote"),
    # --- events (issue 14) ---
    path("webhooks/", events.WebhookCollectionController.as_view(), name="webhook-list"),
    path("webhooks/<int:webhook_id>/", events.WebhookItemController.as_view(), name="webhook-detail"),
    path(
        "webhooks/<int:webhook_id>/deliveries/",
        events.WebhookDeliveryCollectionController.as_view(),
        name="webhook-deliveries",
    ),
    path(
        "webhooks/<int:webhook_id>/deliveries/<uuid:delivery_id>/redeliver/",
        events.WebhookRedeliverController.as_view(),
        name="webhook-redeliver",
    ),
    # --- end events ---
]
