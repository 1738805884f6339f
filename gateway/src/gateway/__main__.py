"""`gateway`: run the gateway with settings from the environment."""

import gc

from gateway.app import create_app
from gateway.settings import Settings
from service_kit.runner import load_settings, serve
from service_kit.secrets import require_strong_secret, warn_dev_mode

# Every request allocates a few hundred short-lived objects; with the default threshold (700)
# the cyclic collector ran every few requests and cost ~5 % of the gateway's CPU under load.
# Nearly all of them are freed by reference counting before a collection at this threshold.
GC_THRESHOLD = (20_000, 10, 10)


def main() -> None:
    settings = load_settings(Settings.from_env, "gateway")
    require_strong_secret(settings.jwt_secret, dev_mode=settings.dev_mode, service="gateway")
    app = create_app(settings)
    app.on_startup.append(lambda _: _warn(settings))
    gc.set_threshold(*GC_THRESHOLD)
    gc.freeze()  # what start-up made lives as long as the process: never scan it again
    serve(
        app,
        service="gateway",
        host=settings.bind_host,
        port=settings.port,
        log_level=settings.log_level,
        log_format=settings.log_format,
        otlp_endpoint=settings.otlp_endpoint,
        shutdown_timeout=settings.shutdown_timeout_seconds,
    )


async def _warn(settings: Settings) -> None:
    warn_dev_mode(settings.jwt_secret)


if __name__ == "__main__":
    main()
