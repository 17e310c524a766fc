// Deno's net permission, kept. wasock reaches the network through its addon,
// which Deno lets in with --allow-ffi alone; a program run with
// --allow-net=host:port would otherwise reach any address. So under Deno the
// library asks Deno's own permission before what Deno.connect, Deno.listen
// and name resolution ask it for: the host and port of every AF_INET/AF_INET6
// address given to bind, connect, connect_ex and sendto, and the host of
// every name or address looked up. A refusal is socket.error(EACCES), whose
// message names the flag that allows it. Elsewhere this is one comparison.
import { error } from './errors.js';
import { EACCES } from '../host/core-abi.generated.js';

interface DenoPermissions {
  querySync(desc: { name: 'net'; host?: string }): { state: string };
}
const permissions = (globalThis as { Deno?: { permissions?: DenoPermissions } }).Deno?.permissions;

// Targets already granted: Deno's answer does not change from granted
// without a revoke, which a program would make on purpose.
const granted = new Set<string>();

// host: as given (a name, or an address text); port: where there is one.
export function checkNet(host: string, port: number | undefined, syscall: string): void {
  if (permissions === undefined) return;
  const name = host === '' ? '0.0.0.0' : host === '<broadcast>' ? '255.255.255.255' : host;
  // Deno writes an IPv6 address with a port in brackets, as a URL does.
  const target = port === undefined ? name : `${name.includes(':') ? `[${name}]` : name}:${port}`;
  if (granted.has(target)) return;
  if (permissions.querySync({ name: 'net', host: target }).state === 'granted') {
    granted.add(target);
    return;
  }
  const e = new error(EACCES, `Permission denied: Deno's net permission does not allow "${target}" ` +
    `(run again with --allow-net=${target})`);
  e.code = 'EACCES';
  e.syscall = syscall;
  e.address = name;
  if (port !== undefined) e.port = port;
  throw e;
}
