"""Signing in to the console as a browser does, with Flask's test client: fetch the form, send its token."""

from __future__ import annotations

import re


def pre_token(client) -> str:
    page = client.get("/console/masuk").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(app, token: str, **client_args):
    """A new client (its own cookie jar) and the sign-in response."""
    client = app.test_client(**client_args)
    resp = client.post("/console/masuk", data={"csrf_token": pre_token(client), "token": token})
    return client, resp


def csrf(client, path: str = "/console/pegawai") -> str:
    """The session's CSRF token, as the sign-out form on any page carries it."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
