"""The WSGI entry point: `flask --app app …` and `gunicorn app:app`."""

from consortium.web.app import create_app

app = create_app()
