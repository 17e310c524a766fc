"""64-byte UDP datagrams over 127.0.0.1 with one control message each way, one thread:
sendmsg with IP_TOS as ancillary data, recvmsg with IP_RECVTOS (the TOS comes back as a
control message). Usage: msg.py [messages] [warmup]"""
import json
import socket
import struct
import sys
import time

MSG = 64


def loop(tx, rx, addr, n):
    data = [b'x' * MSG]
    anc = [(socket.IPPROTO_IP, socket.IP_TOS, struct.pack('i', 0x10))]
    space = socket.CMSG_SPACE(4)
    for _ in range(n):
        if tx.sendmsg(data, anc, 0, addr) != MSG:
            raise RuntimeError('short send')
        got, ancdata, flags, _ = rx.recvmsg(MSG, space)
        if len(got) != MSG or len(ancdata) != 1:
            raise RuntimeError('bad message')


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    warm = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(('127.0.0.1', 0))
    rx.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1)
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    addr = rx.getsockname()
    loop(tx, rx, addr, warm)
    t0 = time.perf_counter()
    loop(tx, rx, addr, n)
    dt = time.perf_counter() - t0
    tx.close(); rx.close()
    print(json.dumps({'impl': 'cpython', 'test': 'msg', 'messages': n, 'warmup': warm,
                      'seconds': round(dt, 6), 'rate': round(n / dt, 1)}))


main()
