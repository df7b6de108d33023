"""The real-server fixtures of test_servers.py, shared with test_outages.py."""

from tests.integration.test_servers import pg_databases, servers  # noqa: F401
