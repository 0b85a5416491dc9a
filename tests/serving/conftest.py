"""Fixtures for the serving tests: a real nginx running deploy/nginx.conf.

See tests/serving/nginx_harness.py for the API (``nginx_binary``,
``nginx_server`` factory, ``nginx_server_session`` factory).
"""

from tests.serving.nginx_harness import nginx_binary, nginx_server, nginx_server_session  # noqa: F401
