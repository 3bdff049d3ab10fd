import os

from piccolo.conf.apps import AppConfig

from traceability.batches.tables import (
    Batch,
    BatchLink,
    EventPhoto,
    ScanBucket,
    ScanNetwork,
    ScanTotal,
    TraceEvent,
)

APP_CONFIG = AppConfig(
    app_name="batches",
    migrations_folder_path=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "piccolo_migrations"
    ),
    table_classes=[Batch, BatchLink, TraceEvent, EventPhoto, ScanTotal, ScanBucket, ScanNetwork],
    migration_dependencies=["marketplace.catalogue.piccolo_app"],
    commands=[],
)
