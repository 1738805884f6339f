"""Run the pets service: `pets-service` or `python -m pets_service`."""

from pets_service.app import SERVICE, create_app
from pets_service.settings import Settings
from service_kit.logs import setup_logging
from service_kit.runner import serve
from service_kit.secrets import require_strong_secret, warn_dev_mode


def main() -> None:
    settings = Settings.from_env()
    require_strong_secret(settings.jwt_secret, dev_mode=settings.dev_mode, service=SERVICE)
    setup_logging(SERVICE, settings.log_level, settings.log_format)
    warn_dev_mode(settings.jwt_secret)
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
