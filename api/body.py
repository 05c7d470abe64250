"""Request bodies, shared by every front door that takes JSON: read in full, checked, parsed."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import current_app, request

from api.errors import ApiError
from ledger.errors import Malformed

LONE_SURROGATE = re.compile(rb"\\u[dD][89abcdefABCDEF]")


def read_json() -> Any:
    """The request body as JSON, or 400 `malformed` saying where it broke."""
    raw = request.get_data(cache=True)
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length is None and len(raw) >= limit and request.environ["wsgi.input"].read(1):
        # A chunked body is cut at the limit, not refused: what was cut off may be JSON we would accept.
        raise ApiError("too_large", "body: the request body is over the size limit", field="body")
    if not raw:
        raise Malformed("body: the request has no body; send a JSON object", field="body")

    def refuse_constant(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=refuse_constant)
        if LONE_SURROGATE.search(raw):  # only a \uD800-\uDFFF escape can smuggle one in: check then
            json.dumps(body, ensure_ascii=False).encode("utf-8")
        return body
    except UnicodeEncodeError:
        raise Malformed("body: a \\u escape names half a surrogate pair, which is not Unicode text",
                        field="body") from None
    except UnicodeDecodeError:
        raise Malformed("body: not UTF-8 text", field="body") from None
    except ValueError as exc:
        raise Malformed(f"body: not valid JSON ({exc})", field="body") from None
    except RecursionError:
        raise Malformed("body: JSON nested too deeply", field="body") from None
