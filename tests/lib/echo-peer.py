# An echo server in a process of its own for tests/promises-wakeup.test.mjs: accepts one
# connection on 127.0.0.1, prints its port, and echoes what it receives, after DELAY_MS
# milliseconds each time (argv[1], 0 for at once), until the peer closes.
import socket
import sys
import time

delay = float(sys.argv[1]) / 1000
with socket.create_server(('127.0.0.1', 0)) as l:
    print(l.getsockname()[1], flush=True)
    c, _ = l.accept()
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with c:
        while data := c.recv(65536):
            if delay:
                time.sleep(delay)
            c.sendall(data)
