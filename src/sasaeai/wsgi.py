"""WSGI entry point: `gunicorn sasaeai.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sasaeai.settings")
application = get_wsgi_application()
