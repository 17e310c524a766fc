"""socket.sendfile over TCP on 127.0.0.1: the main thread sends the file with
socket.sendfile (os.sendfile on a blocking socket), a threading.Thread receiver
recv_into()s one preallocated 64 KiB bytearray. Timed after a warm-up sendfile
of the file's first warmup_bytes until the receiver has every byte (join).
Usage: sendfile.py FILE [total_bytes] [warmup_bytes]"""
import json
import socket
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
    path = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 1 << 30
    warm = int(sys.argv[3]) if len(sys.argv) > 3 else 64 << 20
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.bind(('127.0.0.1', 0))
    lst.listen(1)
    rx = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    rx.connect(lst.getsockname())
    tx, _ = lst.accept()

    result = []
    th = threading.Thread(target=receiver, args=(rx, warm + total, result))
    th.start()
    with open(path, 'rb') as f:
        assert tx.sendfile(f, 0, warm) == warm
        t0 = time.perf_counter()
        assert tx.sendfile(f, 0, total) == total
        th.join()
        dt = time.perf_counter() - t0
    assert result == [warm + total]

    tx.close(); rx.close(); lst.close()
    print(json.dumps({'impl': 'cpython', 'test': 'sendfile', 'bytes': total, 'warmup': warm,
                      'seconds': round(dt, 6), 'rate': round(total / dt / 1048576, 1),
                      'receiver': 'threading.Thread', 'python': sys.version.split()[0]}))


main()
