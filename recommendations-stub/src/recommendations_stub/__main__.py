"""`recommendations-stub`: serve the stub until SIGINT/SIGTERM."""

import sys

from recommendations_stub.app import SERVICE, create_app
from recommendations_stub.settings import Settings
from service_kit.runner import load_settings, serve


def main() -> int:
    settings = load_settings(Settings.from_env, SERVICE)
    serve(
        create_app(settings),
        service=SERVICE,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        log_format=settings.log_format,
        otlp_endpoint=settings.otlp_endpoint,
        shutdown_timeout=settings.shutdown_timeout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
