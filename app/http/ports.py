"""Two ports, one application: SCO_PORT serves the API, and SCO_METRICS_PORT (when set)
serves /metrics and nothing else, so that a deployment publishes the API and keeps its
metrics inside its own network.

The server listens on both (`sco-api serve`) and tells the application which one a request
came in on (`scope["server"]`, the address the connection was accepted on: no header a
client sends can change it). A request for /metrics on the API's port, or for anything else
on the metrics port, is answered as an unknown path is: 404, before any other layer sees it
(the server's protocol does not answer cached reads on the metrics port either).
"""

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.errors import problem
from app.http.middleware import API_CSP, SECURITY_HEADERS

METRICS_PATH = "/metrics"


def on_port(scope: Scope, port: int) -> bool:
    """Whether the request in `scope` came in on `port` of this server."""
    server = scope.get("server")
    return server is not None and server[1] == port


class Ports:
    """Keeps /metrics on the metrics port and everything else on the API's."""

    def __init__(self, app: ASGIApp, metrics_port: int) -> None:
        self.app = app
        self.metrics_port = metrics_port

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            on_metrics = on_port(scope, self.metrics_port)
            if (scope["path"] == METRICS_PATH) != on_metrics:
                detail = (
                    f"No such path here: this port serves {METRICS_PATH} only"
                    if on_metrics
                    else "No such path here: the metrics are served on a port of their own"
                )
                answer = problem(Request(scope), 404, "Not found", detail)
                answer.raw_headers += [
                    *SECURITY_HEADERS,
                    (b"content-security-policy", API_CSP.encode()),
                ]
                await answer(scope, receive, send)
                return
        await self.app(scope, receive, send)
