"""WSGI entry point (`gunicorn api.wsgi:app`): one app, hence one ledger, per worker process."""

from api import create_app

app = create_app()
