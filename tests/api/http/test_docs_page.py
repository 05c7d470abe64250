"""/docs is Swagger UI served from this app's own assets: no other origin, so it loads with no network."""

from __future__ import annotations

import re


def test_the_docs_page_references_only_same_origin_assets_that_answer(client):
    resp = client.get("/docs")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    refs = re.findall(r'(?:src|href|data-url)="([^"]*)"', html)
    assert len(refs) >= 4
    for ref in refs:
        assert ref.startswith("/") and not ref.startswith("//"), ref
        assert client.get(ref).status_code == 200, ref
    assert "default-src 'none'" in resp.headers["Content-Security-Policy"]
    assert "http" not in resp.headers["Content-Security-Policy"]


def test_the_docs_script_fetches_nothing_from_elsewhere(client):
    script = client.get("/docs/static/docs.js").get_data(as_text=True)
    assert "validatorUrl: null" in script and "http" not in script


def test_only_the_bundled_assets_are_served(client):
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs/assets/LICENSE").status_code == 200
    assert client.get("/docs/assets/..%2Fflask_swagger_ui.py").status_code == 404
    assert client.get("/docs/assets/index.template.html").status_code == 404
