"""64-byte TCP ping-pong over 127.0.0.1, both ends in one thread, blocking
sockets, TCP_NODELAY on both ends. Usage: pingpong.py [round_trips] [warmup]"""
import json
import socket
import sys
import time

MSG = 64


def loop(client, server, n):
    out = b'x' * MSG
    for _ in range(n):
        if client.send(out) != MSG:
            raise RuntimeError('short send')
        echo = server.recv(MSG)
        while len(echo) < MSG:  # never taken on loopback; kept for correctness
            more = server.recv(MSG - len(echo))
            if not more:
                raise RuntimeError('eof')
            echo += more
        if server.send(echo) != MSG:
            raise RuntimeError('short send')
        got = client.recv(MSG)
        while len(got) < MSG:
            more = client.recv(MSG - len(got))
            if not more:
                raise RuntimeError('eof')
            got += more


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    warm = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.bind(('127.0.0.1', 0))
    lst.listen(1)
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    client.connect(lst.getsockname())
    server, _ = lst.accept()
    server.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    loop(client, server, warm)
    t0 = time.perf_counter()
    loop(client, server, n)
    dt = time.perf_counter() - t0

    client.close(); server.close(); lst.close()
    print(json.dumps({'impl': 'cpython', 'test': 'pingpong', 'round_trips': n, 'warmup': warm,
                      'seconds': round(dt, 6), 'rate': round(n / dt, 1),
                      'python': sys.version.split()[0]}))


main()
