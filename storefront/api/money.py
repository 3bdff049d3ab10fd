"""Money in the JSON API: a JSON integer of đồng, never a string or a float.

Litestar converts request data leniently ("80000" → 80000), and leniency is dangerous for money:
a Vietnamese "80.000" (eighty thousand) would become 80 đồng. `Dong` fields accept only JSON
integers; anything else is a 4xx with a clear message.
"""

from __future__ import annotations

from typing import Any

from litestar.openapi.spec import OpenAPIType, Schema
from litestar.plugins import OpenAPISchemaPlugin
from litestar.typing import FieldDefinition


class Dong(int):
    """A whole number of đồng (VND has no minor unit)."""


def is_dong(annotation: Any) -> bool:
    return annotation is Dong


def decode_dong(target: type[Dong], value: Any) -> Dong:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("expected a whole number of đồng as a JSON integer, e.g. 80000")
    return target(value)


class DongSchemaPlugin(OpenAPISchemaPlugin):
    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return value is Dong

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        return Schema(
            type=OpenAPIType.INTEGER, minimum=0, description="Whole đồng (VND), e.g. 80000"
        )


TYPE_DECODERS = [(is_dong, decode_dong)]
