import os

from piccolo.conf.apps import AppConfig

from marketplace.accounts.tables import ApiToken, ResetCode, User

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "piccolo_migrations"
    ),
    table_classes=[User, ApiToken, ResetCode],
    migration_dependencies=[],
    commands=[],
)
