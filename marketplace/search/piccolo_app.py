import os

from piccolo.conf.apps import AppConfig

from marketplace.search.tables import SearchDocumentRow, SearchOutbox, SearchState

APP_CONFIG = AppConfig(
    app_name="search",
    migrations_folder_path=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "piccolo_migrations"
    ),
    table_classes=[SearchDocumentRow, SearchState, SearchOutbox],
    migration_dependencies=["marketplace.catalogue.piccolo_app"],
    commands=[],
)
