// netlink-links: the interfaces and their addresses, from NETLINK_ROUTE dumps (RTM_GETLINK,
// RTM_GETADDR) over an AF_NETLINK socket -- what `ip -o link` and `ip -o addr` show.
//   node netlink-links.js
import * as socket from 'wasock';

const RTM_NEWLINK = 16, RTM_GETLINK = 18, RTM_NEWADDR = 20, RTM_GETADDR = 22;
const NLMSG_ERROR = 2, NLMSG_DONE = 3, NLM_F_REQUEST = 1, NLM_F_DUMP = 0x300;
const IFLA_ADDRESS = 1, IFLA_IFNAME = 3, IFLA_MTU = 4, IFA_ADDRESS = 1, IFA_LOCAL = 2;
const align = (n: number) => (n + 3) & ~3;

// One dump request; yields each message of the answer as [type, body].
function* dump(s: socket.SocketType, type: number, seq: number, family = socket.AF_UNSPEC): Generator<[number, Buffer]> {
  const req = Buffer.alloc(16 + 16);              // nlmsghdr + ifinfomsg (ifaddrmsg fits)
  req.writeUInt32LE(req.length, 0);
  req.writeUInt16LE(type, 4);
  req.writeUInt16LE(NLM_F_REQUEST | NLM_F_DUMP, 6);
  req.writeUInt32LE(seq, 8);
  req[16] = family;
  s.sendto(req, [0, 0]);                          // (pid 0, groups 0): the kernel
  for (;;) {
    const [data] = s.recvfrom(65536);
    const b = Buffer.from(data.buffer, data.byteOffset, data.length);
    for (let off = 0; off + 16 <= b.length;) {
      const len = b.readUInt32LE(off), t = b.readUInt16LE(off + 4);
      if (t === NLMSG_DONE) return;
      if (t === NLMSG_ERROR) throw new Error(`netlink error ${b.readInt32LE(off + 16)}`);
      if (b.readUInt32LE(off + 8) === seq) yield [t, b.subarray(off + 16, off + len)];
      off += align(len);
    }
  }
}

// rtattrs from `off` in body: type -> value.
function attrs(body: Buffer, off: number): Map<number, Buffer> {
  const m = new Map<number, Buffer>();
  while (off + 4 <= body.length) {
    const len = body.readUInt16LE(off), type = body.readUInt16LE(off + 2) & 0x3fff;
    if (len < 4) break;
    m.set(type, body.subarray(off + 4, off + len));
    off += align(len);
  }
  return m;
}

const cstr = (b?: Buffer) => (b ? b.subarray(0, b.indexOf(0) < 0 ? b.length : b.indexOf(0)).toString() : '?');
const mac = (b?: Buffer) => (b ? [...b].map((x) => x.toString(16).padStart(2, '0')).join(':') : '');

const s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE);
s.bind([0, 0]);
const names = new Map<number, string>();
for (const [t, body] of dump(s, RTM_GETLINK, 1)) {
  if (t !== RTM_NEWLINK) continue;
  const index = body.readInt32LE(4), flags = body.readUInt32LE(8);
  const a = attrs(body, 16);
  const name = cstr(a.get(IFLA_IFNAME));
  names.set(index, name);
  const state = flags & 1 ? 'UP' : 'DOWN';
  console.log(`${index}: ${name} mtu ${a.get(IFLA_MTU)?.readUInt32LE(0)} ${state} link ${mac(a.get(IFLA_ADDRESS))}`);
}
for (const [t, body] of dump(s, RTM_GETADDR, 2)) {
  if (t !== RTM_NEWADDR) continue;
  const family = body[0], prefix = body[1], index = body.readUInt32LE(4);
  const a = attrs(body, 8);
  const raw = a.get(IFA_LOCAL) ?? a.get(IFA_ADDRESS);
  if (!raw) continue;
  const text = socket.inet_ntop(family, raw);
  console.log(`${index}: ${names.get(index) ?? '?'} ${family === socket.AF_INET ? 'inet' : 'inet6'} ${text}/${prefix}`);
}
console.log(`netlink socket: ${JSON.stringify(s.getsockname())}`);
s.close();
