"""Run the records worker: `records-worker` or `python -m records_worker`."""

from records_worker.app import SERVICE, create_app
from records_worker.settings import Settings
from service_kit.logs import setup_logging
from service_kit.runner import serve


def main() -> None:
    settings = Settings.from_env()
    setup_logging(SERVICE, settings.log_level, settings.log_format)
    serve(
        create_app(settings),
        service=SERVICE,
        host=settings.bind_host,
        port=settings.port,
        log_level=settings.log_level,
        log_format=settings.log_format,
        otlp_endpoint=settings.otlp_endpoint,
        shutdown_timeout=settings.shutdown_timeout,
    )


if __name__ == "__main__":
    main()
