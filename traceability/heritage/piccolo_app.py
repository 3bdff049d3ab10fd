import os

from piccolo.conf.apps import AppConfig

from traceability.heritage.tables import Festival, OldSlug, ScanDay, Site, SiteContent, SitePhoto

APP_CONFIG = AppConfig(
    app_name="heritage",
    migrations_folder_path=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "piccolo_migrations"
    ),
    table_classes=[Site, SiteContent, Festival, SitePhoto, OldSlug, ScanDay],
    migration_dependencies=[],
    commands=[],
)
