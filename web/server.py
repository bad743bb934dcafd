"""Run the HTTP front end with uvicorn; refuse to expose it beyond this machine without a token."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from nlp.errors import JixiaoError
from web.app import ServiceConfig, create_app

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "is_loopback", "check_bind", "serve", "BackgroundServer"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Binding beyond loopback needs a token: anyone who can reach the port could otherwise change the data."""
    if not is_loopback(host) and not token:
        raise JixiaoError(
            f"refusing to listen on {host} without a token: other machines could upload and delete documents; "
            "set a token (--token T or the environment variable JIXIAO_TOKEN), or listen on 127.0.0.1"
        )


def serve(data_dir: Path, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, token: str | None = None,
          max_upload_bytes: int | None = None) -> None:
    """Serve until interrupted."""
    import uvicorn

    check_bind(host, token)
    config = ServiceConfig(data_dir=data_dir, token=token or None,
                           **({"max_upload_bytes": max_upload_bytes} if max_upload_bytes else {}))
    uvicorn.run(create_app(config), host=host, port=port, log_level="info")


class BackgroundServer:
    """The app served by uvicorn in a thread on a free loopback port (tests, benchmarks, screenshots).

    Use as a context manager; ``url`` is the base address once it has started.
    """

    def __init__(self, config: ServiceConfig, *, host: str = DEFAULT_HOST, port: int = 0) -> None:
        import socket

        self.config = config
        if port == 0:
            with socket.socket() as s:
                s.bind((host, 0))
                port = s.getsockname()[1]
        self.host, self.port = host, port
        self.url = f"http://{host}:{port}"
        self._server = None
        self._thread = None

    def __enter__(self) -> "BackgroundServer":
        import threading
        import time

        import uvicorn

        check_bind(self.host, self.config.token)
        self._server = uvicorn.Server(uvicorn.Config(create_app(self.config), host=self.host, port=self.port,
                                                     log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the server did not start on {self.url}")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
