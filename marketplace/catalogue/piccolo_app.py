import os

from piccolo.conf.apps import AppConfig

from marketplace.catalogue.tables import (
    Producer,
    ProducerMember,
    Product,
    ProductLot,
    ProductPhoto,
)

APP_CONFIG = AppConfig(
    app_name="catalogue",
    migrations_folder_path=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "piccolo_migrations"
    ),
    table_classes=[Producer, ProducerMember, Product, ProductPhoto, ProductLot],
    migration_dependencies=["marketplace.accounts.piccolo_app"],
    commands=[],
)
