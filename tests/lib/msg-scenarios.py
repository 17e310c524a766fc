# The CPython side of tests/sendmsg.test.mjs: each scenario sends and receives
# with sendmsg/recvmsg on real loopback sockets and prints what recvmsg
# answered, reduced to what both runs must agree on (sizes, levels, types,
# flags, and the values that do not vary between runs). The JavaScript side
# (msgScenarios in the test) builds the same reduction.
import array, json, os, socket, struct, sys, time

S = socket
# Linux values CPython 3.11 does not name.
IP_PKTINFO, IP_RECVTTL, IP_RECVERR, SO_TIMESTAMP, SO_TIMESTAMPNS = 8, 12, 11, 29, 35

def anc_shape(anc, values=()):
    # (level, type, length) per item; the item's value too where the
    # scenario says it is deterministic.
    out = []
    for level, typ, data in anc:
        item = [level, typ, len(data)]
        if (level, typ) in values:
            item.append(values[(level, typ)](data))
        out.append(item)
    return out

def i32(d): return struct.unpack('i', d[:4])[0]
def u8(d): return d[0]

def udp_pair(family, host):
    r = S.socket(family, S.SOCK_DGRAM); r.bind((host, 0))
    w = S.socket(family, S.SOCK_DGRAM)
    return r, w

def rights():
    a, b = S.socketpair()
    rfd, wfd = os.pipe()
    n = a.sendmsg([b'ab', b'cd'], [(S.SOL_SOCKET, S.SCM_RIGHTS, array.array('i', [rfd, wfd]))])
    data, anc, flags, addr = b.recvmsg(10, S.CMSG_SPACE(8))
    for fd in array.array('i', anc[0][2]): os.close(fd)
    os.close(rfd); os.close(wfd)
    return {'n': n, 'data': data.hex(), 'anc': anc_shape(anc), 'flags': flags, 'addr': addr}

def creds():
    a, b = S.socketpair()
    b.setsockopt(S.SOL_SOCKET, S.SO_PASSCRED, 1)
    a.sendmsg([b'x'])
    data, anc, flags, addr = b.recvmsg(10, S.CMSG_SPACE(12))
    return {'anc': anc_shape(anc, {(S.SOL_SOCKET, S.SCM_CREDENTIALS): lambda d: list(struct.unpack('iII', d)[1:])}),
            'flags': flags, 'addr': addr}

def ctrunc():
    a, b = S.socketpair()
    rfd, wfd = os.pipe()
    a.sendmsg([b'x'], [(S.SOL_SOCKET, S.SCM_RIGHTS, array.array('i', [rfd, wfd]))])
    data, anc, flags, addr = b.recvmsg(10, S.CMSG_LEN(4))
    for fd in array.array('i', anc[0][2]): os.close(fd)
    os.close(rfd); os.close(wfd)
    return {'anc': anc_shape(anc), 'flags': flags}

def credtrunc():
    # The kernel cuts a message that does not fit (its cmsg_len too) and
    # drops one whose header does not fit, with MSG_CTRUNC either way.
    a, b = S.socketpair()
    b.setsockopt(S.SOL_SOCKET, S.SO_PASSCRED, 1)
    out = []
    for size in (S.CMSG_LEN(4), S.CMSG_LEN(0) - 1, 1):
        a.sendmsg([b'x'])
        data, anc, flags, addr = b.recvmsg(10, size)
        out.append([anc_shape(anc), flags])
    return out

def trunc():
    r, w = udp_pair(S.AF_INET, '127.0.0.1')
    w.sendto(b'z' * 100, r.getsockname())
    data, anc, flags, addr = r.recvmsg(10)
    w.sendto(b'z' * 100, r.getsockname())
    n, anc2, flags2, addr2 = r.recvmsg_into([bytearray(4), bytearray(6)], 0, S.MSG_TRUNC)
    return {'len': len(data), 'flags': flags, 'addr': addr[1] == w.getsockname()[1], 'n2': n, 'flags2': flags2}

def scatter():
    a, b = S.socketpair(S.AF_UNIX, S.SOCK_DGRAM)
    a.sendmsg([b'hello', b' ', b'world!'])
    bufs = [bytearray(3), bytearray(4), bytearray(10)]
    n, anc, flags, addr = b.recvmsg_into(bufs)
    return {'n': n, 'bufs': [bytes(x).hex() for x in bufs], 'flags': flags, 'addr': addr}

def pktinfo4():
    r, w = udp_pair(S.AF_INET, '127.0.0.1')
    r.setsockopt(S.IPPROTO_IP, IP_PKTINFO, 1)
    w.sendmsg([b'p'], [], 0, r.getsockname())
    data, anc, flags, addr = r.recvmsg(10, 256)
    return {'anc': anc_shape(anc, {(S.IPPROTO_IP, IP_PKTINFO): lambda d: [i32(d), S.inet_ntoa(d[4:8]), S.inet_ntoa(d[8:12])]}),
            'flags': flags, 'addr': addr[1] == w.getsockname()[1]}

def pktinfo6():
    r, w = udp_pair(S.AF_INET6, '::1')
    r.setsockopt(S.IPPROTO_IPV6, S.IPV6_RECVPKTINFO, 1)
    w.sendmsg([b'p'], [], 0, r.getsockname())
    data, anc, flags, addr = r.recvmsg(10, 256)
    return {'anc': anc_shape(anc, {(S.IPPROTO_IPV6, S.IPV6_PKTINFO): lambda d: [S.inet_ntop(S.AF_INET6, d[:16]), i32(d[16:])]}),
            'flags': flags, 'addr': addr[1] == w.getsockname()[1]}

def single(family, host, recvopt, sendopt, anc, want, read):
    # One datagram to a receiver with recvopt on, the sender with sendopt
    # set or anc as the message's control data: the one item it gets back.
    r, w = udp_pair(family, host)
    r.setsockopt(*recvopt, 1)
    if sendopt:
        w.setsockopt(*sendopt)
    w.sendmsg([b'x'], anc, 0, r.getsockname())
    data, ancdata, flags, addr = r.recvmsg(10, S.CMSG_SPACE(4))
    return {'anc': anc_shape(ancdata, {want: read}), 'flags': flags}

V4, V6 = (S.AF_INET, '127.0.0.1'), (S.AF_INET6, '::1')

def ttl():
    return single(*V4, (S.IPPROTO_IP, IP_RECVTTL), (S.IPPROTO_IP, S.IP_TTL, 42), [], (S.IPPROTO_IP, S.IP_TTL), i32)

def hoplimit():
    return single(*V6, (S.IPPROTO_IPV6, S.IPV6_RECVHOPLIMIT), (S.IPPROTO_IPV6, S.IPV6_UNICAST_HOPS, 33), [],
                  (S.IPPROTO_IPV6, S.IPV6_HOPLIMIT), i32)

# IP_TOS and IPV6_TCLASS as control messages of the send.
def tos():
    return single(*V4, (S.IPPROTO_IP, S.IP_RECVTOS), None, [(S.IPPROTO_IP, S.IP_TOS, struct.pack('i', 0x28))],
                  (S.IPPROTO_IP, S.IP_TOS), u8)

def tclass():
    return single(*V6, (S.IPPROTO_IPV6, S.IPV6_RECVTCLASS), None,
                  [(S.IPPROTO_IPV6, S.IPV6_TCLASS, struct.pack('i', 0x20))], (S.IPPROTO_IPV6, S.IPV6_TCLASS), i32)

def timestamps():
    r, w = udp_pair(S.AF_INET, '127.0.0.1')
    r.setsockopt(S.SOL_SOCKET, SO_TIMESTAMP, 1)
    w.sendto(b'1', r.getsockname())
    a1 = r.recvmsg(10, 64)[1]
    r.setsockopt(S.SOL_SOCKET, SO_TIMESTAMP, 0)
    r.setsockopt(S.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    w.sendto(b'2', r.getsockname())
    a2 = r.recvmsg(10, 64)[1]
    now = time.time()
    sec = lambda d: abs(struct.unpack('q', d[:8])[0] - now) < 60
    return {'us': anc_shape(a1, {(S.SOL_SOCKET, SO_TIMESTAMP): sec}), 'ns': anc_shape(a2, {(S.SOL_SOCKET, SO_TIMESTAMPNS): sec})}

def recverr():
    # A datagram to a closed loopback port: the ICMP port unreachable lands
    # in the error queue as IP_RECVERR's sock_extended_err + offender.
    closed = S.socket(S.AF_INET, S.SOCK_DGRAM); closed.bind(('127.0.0.1', 0))
    port = closed.getsockname()[1]; closed.close()
    w = S.socket(S.AF_INET, S.SOCK_DGRAM)
    w.setsockopt(S.IPPROTO_IP, IP_RECVERR, 1)
    w.sendto(b'e', ('127.0.0.1', port))
    time.sleep(0.1)
    data, anc, flags, addr = w.recvmsg(10, 512, S.MSG_ERRQUEUE)
    return {'data': data.hex(), 'anc': anc_shape(anc, {(S.IPPROTO_IP, IP_RECVERR): lambda d: list(struct.unpack('IBBBB', d[:8]))}),
            'flags': flags, 'addr': addr[0]}

UDP_SEGMENT, UDP_GRO = 103, 104


def gso():
    # UDP_SEGMENT on the send: 3000 bytes leave as 1000-byte datagrams.
    r, w = udp_pair(S.AF_INET, '127.0.0.1')
    w.sendmsg([b's' * 3000], [(S.IPPROTO_UDP, UDP_SEGMENT, struct.pack('H', 1000))], 0, r.getsockname())
    return {'sizes': [len(r.recvmsg(4000)[0]) for _ in range(3)]}

def gro():
    # With UDP_GRO the receiver may take the segments back as one, with the
    # segment size as a control message.
    r, w = udp_pair(S.AF_INET, '127.0.0.1')
    r.setsockopt(S.IPPROTO_UDP, UDP_GRO, 1)
    w.sendmsg([b's' * 3000], [(S.IPPROTO_UDP, UDP_SEGMENT, struct.pack('H', 1000))], 0, r.getsockname())
    data, anc, flags, addr = r.recvmsg(4000, 64)
    return {'len': len(data), 'anc': anc_shape(anc, {(S.IPPROTO_UDP, UDP_GRO): i32}), 'flags': flags}

def run(name):
    try:
        return globals()[name]()
    except OSError as e:
        return {'errno': e.errno}

if __name__ == '__main__':
    print(json.dumps({name: run(name) for name in sys.argv[1:]}))
