import pytest

from tests.faults.served import PrivateRedis


@pytest.fixture
def private_redis():
    """A redis-server of the test's own on a free port (the machine's Redis serves the others)."""
    server = PrivateRedis()
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()
