"""Bulk transfer over TCP on 127.0.0.1: the main thread sendall()s the total in
64 KiB chunks, a threading.Thread receiver recv_into()s one preallocated 64 KiB
bytearray (the GIL is released during the socket calls). Timed after a warm-up
transfer until the receiver has every byte (join). With "sendfile FILE" the
main thread sends the first bytes of FILE with socket.sendfile instead (the
warm-up and the timed part each from the file's offset 0); with "sendfile FILE
SINK" the receiver is bulk.c's sink process (SINK sink PORT BYTES), until its
one-byte answer.
Usage: bulk.py [total_bytes] [warmup_bytes] [sendfile FILE [SINK]]"""
import json
import socket
import subprocess
import sys
import threading
import time

CHUNK = 65536


def receiver(sock, expect, result):
    buf = bytearray(CHUNK)
    recv_into = sock.recv_into
    got = 0
    while got < expect:
        n = recv_into(buf)
        if n == 0:
            raise RuntimeError('eof')
        got += n
    result.append(got)


def main():
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1 << 30
    warm = int(sys.argv[2]) if len(sys.argv) > 2 else 64 << 20
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.bind(('127.0.0.1', 0))
    lst.listen(1)
    sink = sys.argv[5] if sys.argv[3:4] == ['sendfile'] and len(sys.argv) > 5 else None
    result = []
    if sink:
        rx = subprocess.Popen([sink, 'sink', str(lst.getsockname()[1]), str(warm + total)])
        tx, _ = lst.accept()
    else:
        rx = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        rx.connect(lst.getsockname())
        tx, _ = lst.accept()
        th = threading.Thread(target=receiver, args=(rx, warm + total, result))
        th.start()
    if sys.argv[3:4] == ['sendfile']:
        test = 'sendfile'
        with open(sys.argv[4], 'rb') as f:
            assert tx.sendfile(f, 0, warm) == warm
            t0 = time.perf_counter()
            assert tx.sendfile(f, 0, total) == total
            if sink:
                assert tx.recv(1) == b'k'
                rx.wait()
                result.append(warm + total)
            else:
                th.join()
    else:
        test = 'bulk'
        chunk = b'x' * CHUNK
        sendall = tx.sendall
        for _ in range(warm // CHUNK):
            sendall(chunk)
        t0 = time.perf_counter()
        for _ in range(total // CHUNK):
            sendall(chunk)
        th.join()
    dt = time.perf_counter() - t0
    assert result == [warm + total]

    tx.close(); lst.close()
    if not sink:
        rx.close()
    print(json.dumps({'impl': 'cpython', 'test': test, 'bytes': total, 'warmup': warm,
                      'chunk': CHUNK, 'seconds': round(dt, 6), 'rate': round(total / dt / 1048576, 1),
                      'receiver': 'sink process' if sink else 'threading.Thread',
                      'python': sys.version.split()[0]}))


main()
