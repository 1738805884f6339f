"""The gateway's own admin API: maintenance mode."""

from gateway.openapi.base import Schema, Section, ref
from gateway.openapi.responses import admin_operation, json_body, ok


def section() -> Section:
    state: dict[int | str, Schema] = {
        200: ok("The maintenance state.", ref("schemas", "MaintenanceState"))
    }
    return Section(
        paths={
            "/admin/maintenance": {
                "get": admin_operation(
                    "retrieveMaintenance", "The maintenance state (admin)", state
                ),
                "put": admin_operation(
                    "updateMaintenance",
                    "Switch maintenance mode (admin); every replica follows within a second",
                    state,
                    errors=(400, 413, 415, 422),
                    body=json_body("MaintenanceUpdate"),
                ),
            }
        }
    )
