"""`GET /docs`: interactive documentation of /openapi.json from assets this server bundles, so it loads offline.

The assets are Swagger UI 5's built files (Apache-2.0, SmartBear Software; its LICENSE is served beside them),
taken from the `dist/` folder of the PyPI package `flask-swagger-ui` (MIT). That package's own page has an inline
script, so this one is ours: it runs under a Content-Security-Policy that allows only this origin.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from flask import Blueprint, Response, abort, send_from_directory

bp = Blueprint("docs", __name__, static_folder="static", static_url_path="/docs/static")
SWAGGER_UI = files("flask_swagger_ui") / "dist"
ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png", "LICENSE")
POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Jejak API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui" data-url="/openapi.json"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/static/docs.js"></script>
</body>
</html>
"""


@bp.get("/docs")
def docs() -> Response:
    """The interactive API documentation (Swagger UI), same-origin only."""
    return Response(PAGE, mimetype="text/html", headers={"Content-Security-Policy": POLICY,
                                                         "X-Content-Type-Options": "nosniff"})


@bp.get("/docs/assets/<name>")
def asset(name: str) -> Any:
    """One of Swagger UI's bundled files."""
    if name not in ASSETS:
        abort(404)
    return send_from_directory(str(SWAGGER_UI), name, max_age=86400)


OPENAPI_PATHS = {"/docs": {"get": {
    "operationId": "getDocs", "tags": ["service"], "summary": "Interactive API documentation (Swagger UI, offline)",
    "responses": {"200": {"description": "OK", "content": {"text/html": {"schema": {"type": "string"}}}}}}}}


@bp.record_once
def _describe(state: Any) -> None:
    state.app.config.setdefault("OPENAPI_PATHS", {}).update(OPENAPI_PATHS)
