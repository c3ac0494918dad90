"""The ReDoc page, offline for good: fastapi-offline ships ReDoc's bundle, but the bundle
still loads its sidebar logo from ReDoc's CDN, which the docs' Content-Security-Policy
blocks (a console error, and a request to a third party from every reader). This page
loads the same bundle with that one image URL replaced by a blank inline image."""

from functools import cache
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request, Response
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import HTMLResponse

BUNDLE = Path(fastapi_offline.__file__).parent / "static" / "redoc.standalone.js"
CDN_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
BLANK_IMAGE = b"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"
BUNDLE_PATH = "/redoc/redoc.standalone.js"


@cache
def bundle() -> bytes:
    return BUNDLE.read_bytes().replace(CDN_LOGO, BLANK_IMAGE)


def install(app: FastAPI, static_url: str = "/static-offline-docs") -> None:
    """Serve /redoc (the app is made with `redoc_url=None`) and its patched bundle."""

    @app.get("/redoc", include_in_schema=False)
    async def redoc_html(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=app.title + " - ReDoc",
            redoc_js_url=f"{root}{BUNDLE_PATH}",
            with_google_fonts=False,
            redoc_favicon_url=f"{root}{static_url}/favicon.png",
        )

    @app.get(BUNDLE_PATH, include_in_schema=False)
    async def redoc_bundle() -> Response:
        return Response(
            bundle(),
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": "public, max-age=86400"},
        )
