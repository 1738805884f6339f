"""The connection handler that enforces ``service_kit.connections``' limits, and the server
and runner that serve an app with it (when the app sets ``CONNECTION_LIMITS``): parser
errors are still answered by ``service_kit.protocol``, which these build on."""

import asyncio
from typing import Any

from aiohttp import web
from aiohttp.streams import StreamReader
from aiohttp.web_protocol import RequestHandler

from service_kit import problems
from service_kit.connections import (
    CONNECTION_LIMITS,
    BodyTimeout,
    ConnectionGate,
    ConnectionLimits,
    log,
    raw_problem,
)
from service_kit.protocol import ProblemAppRunner, ProblemRequestHandler, ProblemServer

IDLE_TIMEOUT = 75.0  # seconds, as web.run_app's


class LimitedRequestHandler(ProblemRequestHandler):
    """The connection handler, with read timeouts and a connection cap."""

    def __init__(
        self, manager: web.Server, *, gate: ConnectionGate, type_base: str, **kwargs: Any
    ) -> None:
        super().__init__(manager, **kwargs)
        self._gate = gate
        self._limits = gate.limits
        self._type_base = type_base
        self._ip: str | None = None  # set once admitted
        self._head_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._started = False  # bytes of a request head have arrived
        self._payload: StreamReader | None = None  # the body being received

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        peer = transport.get_extra_info("peername")
        ip = str(peer[0]) if peer else "unknown"
        if not self._gate.admit(ip):
            log.info("refused a connection past the cap", extra={"client": ip})
            self._answer_and_close(problems.TooManyConnections())
            return
        self._ip = ip
        self._head_timer = self._loop.call_later(self._limits.header_timeout, self._head_late)

    def data_received(self, data: bytes) -> None:
        if self._ip is None:
            return  # refused: nothing it sends is read
        in_body = self._payload is not None and not self._payload.is_eof()
        if data and not in_body:
            self._started = True
            if self._head_timer is None:  # the first byte of the next request
                self._head_timer = self._loop.call_later(
                    self._limits.header_timeout, self._head_late
                )
        heads = self._request_count
        super().data_received(data)
        if self._request_count > heads and self._messages:
            self._cancel(self._head_timer)
            self._head_timer, self._started = None, False
            payload = self._messages[-1][1]
            if isinstance(payload, StreamReader) and not payload.is_eof():
                self._payload = payload
                self._cancel(self._body_timer)
                self._body_timer = self._loop.call_later(
                    self._limits.body_timeout, self._body_late, payload
                )

    def connection_lost(self, exc: BaseException | None) -> None:
        self._cancel(self._head_timer)
        self._cancel(self._body_timer)
        if self._ip is not None:
            self._gate.release(self._ip)
            self._ip = None
        super().connection_lost(exc)

    def _head_late(self) -> None:
        self._head_timer = None
        if self._request_in_progress or self._messages:
            self.close()  # a pipelined head behind a request being answered: end after it
        elif self._started:
            log.info("request head not complete in time", extra={"client": self._ip})
            self._answer_and_close(
                problems.RequestTimeout("The request head did not arrive in time.")
            )
        else:
            self.force_close()  # opened, never used

    def _body_late(self, payload: StreamReader) -> None:
        self._body_timer = None
        if not payload.is_eof():
            log.info("request body not complete in time", extra={"client": self._ip})
            payload.set_exception(BodyTimeout("The request body did not arrive in time."))
            self.close()  # after the 408 the handler answers

    def _answer_and_close(self, problem: problems.Problem) -> None:
        if self.transport is not None:
            self.transport.write(raw_problem(problem, self._type_base))
        self.force_close()

    @staticmethod
    def _cancel(timer: asyncio.TimerHandle | None) -> None:
        if timer is not None:
            timer.cancel()


class LimitedServer(ProblemServer):
    """The low-level server whose connections are ``LimitedRequestHandler``s."""

    def __init__(self, server: ProblemServer, limits: ConnectionLimits) -> None:
        super().__init__(
            server.request_handler,
            request_factory=server.request_factory,
            handler_cancellation=server.handler_cancellation,
            type_base=server.type_base,
            loop=server._handler_loop,
            **server._handler_kwargs,
        )
        self._gate = ConnectionGate(limits)

    def __call__(self) -> RequestHandler:
        return LimitedRequestHandler(
            self,
            gate=self._gate,
            type_base=self.type_base,
            loop=self._handler_loop,
            **self._handler_kwargs,
        )


class LimitedAppRunner(ProblemAppRunner):
    """``ProblemAppRunner`` applying the app's ``CONNECTION_LIMITS``, when it sets them."""

    def __init__(self, app: web.Application, **kwargs: Any) -> None:
        # An idle keep-alive connection is closed after this (aiohttp's own runner keeps one
        # for an hour: a few clients' idle sockets could then hold the whole connection cap).
        kwargs.setdefault("keepalive_timeout", IDLE_TIMEOUT)
        super().__init__(app, **kwargs)

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        limits = self.app.get(CONNECTION_LIMITS)
        if limits is None or not isinstance(server, ProblemServer):
            return server
        return LimitedServer(server, limits)
