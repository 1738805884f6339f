"""Run the pets service: `pets-service` or `python -m pets_service`."""

from pets_service.app import SERVICE, create_app
from pets_service.settings import Settings
from service_kit.logs import setup_logging
from service_kit.runner import serve, warn_dev_secret


def main() -> None:
    settings = Settings.from_env()
    setup_logging(SERVICE, settings.log_level)
    warn_dev_secret(settings.jwt_secret)
    serve(
        create_app(settings),
        service=SERVICE,
        host=settings.bind_host,
        port=settings.port,
        log_level=settings.log_level,
        shutdown_timeout=settings.shutdown_timeout,
    )


if __name__ == "__main__":
    main()
