"""Waiting for a server ends at once when it listens, and at once when it has died."""

import socket
import time

from bench.network import free_port, wait_listening


def test_a_listening_port_is_seen_and_a_dead_server_stops_the_wait() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        assert wait_listening(server.getsockname()[1], 5.0, lambda: True)
    t0 = time.monotonic()
    assert not wait_listening(free_port(), 30.0, lambda: False)
    assert time.monotonic() - t0 < 1.0
