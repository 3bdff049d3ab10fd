import os

from piccolo.conf.apps import AppConfig

from marketplace.orders.tables import (
    Cart,
    CartLine,
    DeliverySettings,
    NotificationEndpoint,
    Order,
    OrderLine,
    OrderNotification,
    PaymentEvent,
    PaymentIntent,
    ProviderConnection,
    ReceivedTransfer,
    SellerLastSeen,
)

APP_CONFIG = AppConfig(
    app_name="orders",
    migrations_folder_path=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "piccolo_migrations"
    ),
    table_classes=[
        DeliverySettings,
        Cart,
        CartLine,
        Order,
        OrderLine,
        PaymentIntent,
        ProviderConnection,
        ReceivedTransfer,
        PaymentEvent,
        SellerLastSeen,
        NotificationEndpoint,
        OrderNotification,
    ],
    migration_dependencies=[
        "marketplace.accounts.piccolo_app",
        "marketplace.catalogue.piccolo_app",
    ],
    commands=[],
)
