# connect/accept/close cycles per second on loopback, one thread (blocking).
import json, socket, sys, time
n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
l = socket.socket()
l.bind(('127.0.0.1', 0))
l.listen(128)
addr = l.getsockname()
def cycle():
    c = socket.socket()
    c.connect(addr)
    s, _ = l.accept()
    c.close()
    s.close()
for _ in range(200):
    cycle()
t0 = time.perf_counter()
for _ in range(n):
    cycle()
print(json.dumps({'rate': n / (time.perf_counter() - t0)}))
