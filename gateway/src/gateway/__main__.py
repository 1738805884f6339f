"""`gateway`: run the gateway with settings from the environment."""

from gateway.app import create_app
from gateway.settings import Settings
from service_kit.runner import serve, warn_dev_secret


def main() -> None:
    settings = Settings.from_env()
    app = create_app(settings)
    app.on_startup.append(lambda _: _warn(settings))
    serve(
        app,
        service="gateway",
        host=settings.bind_host,
        port=settings.port,
        log_level=settings.log_level,
        shutdown_timeout=settings.shutdown_timeout_seconds,
    )


async def _warn(settings: Settings) -> None:
    warn_dev_secret(settings.jwt_secret)


if __name__ == "__main__":
    main()
