/*
 * The wasock host import ABI, version 1.
 *
 * This is the only way the C core (and any Wasm guest linked with it) reaches
 * the network. Every import lives in the Wasm import module "wasock" and is
 * syscall-shaped:
 *
 *  - the return value is 0 on success or a POSITIVE Linux errno, never a
 *    negative number and never a count: counts, descriptors and lengths go
 *    through the output pointers. (The core's own functions return -errno
 *    instead; <wasock/core.h> has their convention. The one place the two
 *    meet is wsk_sock_call, whose attempts answer as imports do.)
 *    An import whose result is itself an outcome with its own codes
 *    (lookup_name's EAI code and h_errno) puts those in its output record;
 *    the return stays 0 or an errno about the call;
 *  - outputs go through pointers into the caller's linear memory;
 *  - addresses cross as raw Linux `struct sockaddr_*` bytes: the core encodes
 *    and decodes them, the host only checks policy on them;
 *  - descriptors are the host's handles (real fds for the trusted library
 *    instance, virtual ones for sandboxed guests);
 *  - the host bounds-checks every pointer/length pair against linear memory
 *    and answers EFAULT rather than trapping.
 *
 * Structures crossing the boundary use the Linux x86_64/wasm32 common layout:
 * struct pollfd is { int32 fd; int16 events; int16 revents; } (8 bytes).
 *
 * Natively (tests, fuzzers) the same declarations are satisfied by a C shim.
 */
#ifndef WASOCK_HOST_H
#define WASOCK_HOST_H

#include <stdint.h>

#define WASOCK_ABI_VERSION 1

#if defined(__wasm__)
#define WASOCK_IMPORT(name) \
	__attribute__((import_module("wasock"), import_name(name)))
#else
#define WASOCK_IMPORT(name)
#endif

typedef uint32_t wsk_socklen;

WASOCK_IMPORT("socket")
int wsk_host_socket(int domain, int type, int proto, int32_t *fd_out);
WASOCK_IMPORT("socketpair")
int wsk_host_socketpair(int domain, int type, int proto, int32_t fds_out[2]);
WASOCK_IMPORT("bind")
int wsk_host_bind(int fd, const void *sa, wsk_socklen salen);
WASOCK_IMPORT("connect")
int wsk_host_connect(int fd, const void *sa, wsk_socklen salen);
WASOCK_IMPORT("listen")
int wsk_host_listen(int fd, int backlog);
/* sa may be NULL (then salen is ignored); *salen is in/out as in accept4(2). */
WASOCK_IMPORT("accept")
int wsk_host_accept(int fd, void *sa, wsk_socklen *salen, int flags,
		    int32_t *fd_out);
/* sa may be NULL for a connected socket. MSG_NOSIGNAL is always added. */
WASOCK_IMPORT("sendto")
int wsk_host_sendto(int fd, const void *buf, uint32_t len, int flags,
		    const void *sa, wsk_socklen salen, uint32_t *n_out);
WASOCK_IMPORT("recvfrom")
int wsk_host_recvfrom(int fd, void *buf, uint32_t len, int flags, void *sa,
		      wsk_socklen *salen, uint32_t *n_out);
WASOCK_IMPORT("shutdown")
int wsk_host_shutdown(int fd, int how);
WASOCK_IMPORT("close")
int wsk_host_close(int fd);
WASOCK_IMPORT("getsockopt")
int wsk_host_getsockopt(int fd, int level, int name, void *val,
			wsk_socklen *len);
WASOCK_IMPORT("setsockopt")
int wsk_host_setsockopt(int fd, int level, int name, const void *val,
			wsk_socklen len);
WASOCK_IMPORT("getsockname")
int wsk_host_getsockname(int fd, void *sa, wsk_socklen *salen);
WASOCK_IMPORT("getpeername")
int wsk_host_getpeername(int fd, void *sa, wsk_socklen *salen);
/* timeout_ms < 0 waits forever. */
WASOCK_IMPORT("poll")
int wsk_host_poll(void *fds, uint32_t nfds, int timeout_ms, uint32_t *n_out);
WASOCK_IMPORT("set_nonblock")
int wsk_host_set_nonblock(int fd, int on);
WASOCK_IMPORT("dup")
int wsk_host_dup(int fd, int32_t *fd_out);
/* The name of interface `index`, NUL-terminated, for scoped IPv6 text. */
WASOCK_IMPORT("if_indextoname")
int wsk_host_if_indextoname(uint32_t index, char *buf, uint32_t size);
/* Monotonic clock in nanoseconds. */
WASOCK_IMPORT("clock_ns")
int wsk_host_clock_ns(uint64_t *ns_out);

/* ---- name resolution (added within version 1) ---------------------------- */

/*
 * One resolver configuration file by id (WSK_RFILE_* in <wasock/resolv.h>:
 * hosts, services, protocols, resolv.conf, nsswitch.conf, gai.conf), as the
 * host sees it: the real file, or the embedder's replacement text. The
 * core keeps a copy: when *gen_inout already names the host's current
 * generation of the file, nothing is copied. Otherwise the bytes go to buf
 * (at most size), *len_out gets the full length and *gen_inout the new
 * generation (never 0). A missing file is 0 bytes long.
 */
WASOCK_IMPORT("resolver_file")
int wsk_host_resolver_file(int id, void *buf, uint32_t size,
			   uint32_t *len_out, uint32_t *gen_inout);
/* len random bytes (query ids, source ports), from a CSPRNG. */
WASOCK_IMPORT("random")
int wsk_host_random(void *buf, uint32_t len);
/* The host name, NUL-terminated (ENAMETOOLONG when size is too small). */
WASOCK_IMPORT("gethostname")
int wsk_host_gethostname(char *buf, uint32_t size);
/*
 * The configured interface addresses, for AI_ADDRCONFIG and the address
 * sort: up to max records of WSK_IFADDR_SIZE bytes { int32 family; uint32
 * prefixlen; uint8 addr[16] } (IPv4 in the first 4 bytes); *n_out gets the
 * count.
 */
#define WSK_IFADDR_FAMILY 0
#define WSK_IFADDR_PREFIXLEN 4
#define WSK_IFADDR_ADDR 8
#define WSK_IFADDR_SIZE 24
WASOCK_IMPORT("ifaddrs")
int wsk_host_ifaddrs(void *buf, uint32_t max, uint32_t *n_out);
/* The index of the interface `name`, for "fe80::1%eth0" (ENODEV if none). */
WASOCK_IMPORT("if_nametoindex")
int wsk_host_if_nametoindex(const char *name, uint32_t *index_out);

/* ---- resolver sockets and routing (added within version 1) ---------------- */

/*
 * A socket for the core's stub resolver (dns_query.c): like socket(domain,
 * type, 0) (type may carry SOCK_NONBLOCK; domain AF_INET or AF_INET6, type
 * SOCK_DGRAM or SOCK_STREAM). Only the library's own core imports it: the
 * guest SDK leaves the stub resolver out (its lookups are lookup_name and
 * lookup_addr below), and a guest's host does not offer it, so a guest
 * module that imports it cannot be instantiated.
 */
WASOCK_IMPORT("resolver_socket")
int wsk_host_resolver_socket(int domain, int type, int32_t *fd_out);
/*
 * The local address the kernel would use to reach dst (an AF_INET or
 * AF_INET6 sockaddr of dstlen bytes): what a UDP socket connected to dst
 * reports from getsockname(). Nothing is sent; no descriptor is left open,
 * so a guest's host grants it without a policy check (it reveals only local
 * routing). src gets the sockaddr, *srclen is in/out. EAFNOSUPPORT for other
 * families, ENETUNREACH (and the like) when there is no route.
 */
WASOCK_IMPORT("route_source")
int wsk_host_route_source(const void *dst, wsk_socklen dstlen, void *src,
			  wsk_socklen *srclen);

/* ---- descriptor queries and interfaces (added within version 1) ----------- */

/*
 * ioctl(fd, request, &int) for exactly these Linux requests, each with an int
 * argument: FIONREAD (= SIOCINQ, out: bytes queued to read), SIOCOUTQ (out:
 * bytes queued to send), SIOCATMARK (out: 1 at the urgent mark), FIONBIO (in:
 * non-zero sets O_NONBLOCK). Any other request is ENOTTY: no request that
 * takes a pointer or a structure ever reaches the host. A guest's host answers
 * ENOTSOCK for a descriptor that is not one of its sockets (the guest libc then
 * does what it does for files), and ENOSYS when it offers no ioctl at all.
 */
#define WSK_FIONREAD 0x541B
#define WSK_SIOCINQ WSK_FIONREAD
#define WSK_SIOCOUTQ 0x5411
#define WSK_SIOCATMARK 0x8905
#define WSK_FIONBIO 0x5421
WASOCK_IMPORT("ioctl")
int wsk_host_ioctl(int fd, uint32_t request, int32_t *arg_inout);

/* Linux's IF_NAMESIZE: an interface name with its NUL. */
#define WSK_IF_NAMESIZE 16

/*
 * The interfaces, as if_nameindex(3): up to max records of
 * WSK_IFNI_SIZE bytes { uint32 index; char name[WSK_IF_NAMESIZE] }
 * (NUL-terminated) at buf; *n_out gets the number of interfaces, which may
 * exceed max (then ask again with room for them all).
 */
#define WSK_IFNI_INDEX 0
#define WSK_IFNI_NAME 4
#define WSK_IFNI_SIZE 20
WASOCK_IMPORT("if_nameindex")
int wsk_host_if_nameindex(void *buf, uint32_t max, uint32_t *n_out);

/*
 * The interface addresses, as getifaddrs(3) has them: up to max records of
 * WSK_IFA_SIZE bytes at buf, each
 *   { uint32 index; uint32 flags (IFF_*); int32 family (AF_INET, AF_INET6);
 *     uint32 prefixlen; uint8 addr[16]; uint8 ifu[16]; uint32 has_ifu;
 *     char name[WSK_IF_NAMESIZE] }
 * (IPv4 in the first 4 bytes of addr and ifu). ifu is the host's
 * ifa_broadaddr/ifa_dstaddr (the broadcast address, or the peer, or, as glibc
 * reports for lo, the local address) when has_ifu is 1. *n_out
 * gets the number of addresses, which may exceed max. No AF_PACKET (link)
 * entries: guests have no use for link-layer statistics.
 */
#define WSK_IFA_INDEX 0
#define WSK_IFA_FLAGS 4
#define WSK_IFA_FAMILY 8
#define WSK_IFA_PREFIXLEN 12
#define WSK_IFA_ADDR 16
#define WSK_IFA_IFU 32
#define WSK_IFA_HAS_IFU 48
#define WSK_IFA_NAME 52
#define WSK_IFA_SIZE 68
WASOCK_IMPORT("ifaddrs_named")
int wsk_host_ifaddrs_named(void *buf, uint32_t max, uint32_t *n_out);
/* ---- lookups by the host, for guests (added within version 1) ------------ */

/*
 * A guest never resolves by itself: it asks its host by name (or address),
 * the host judges the name against the guest's DNS grant and resolves it
 * with its own trusted resolver (hosts file and DNS per nsswitch.conf, the
 * resolv.conf search list), the lookup wsk_lookup_name/wsk_lookup_addr make
 * (<wasock/resolv.h>). A name the guest may not resolve is answered as a
 * name that does not exist (EAI_NONAME, HOST_NOT_FOUND).
 *
 * The answer is one record in buf, all fields little-endian: a header,
 * naddrs address records (struct wsk_haddr: int32 family; uint8 addr[16];
 * uint32 scope_id), then nnames NUL-terminated names, the canonical name
 * first. *len_out gets the record's length; a buf smaller than that is
 * ERANGE, nothing written. The import's own return is 0 or an errno
 * (EFAULT, EINVAL): the lookup's outcome is in the record.
 */
#define WSK_LOOKUP_EAI 0      /* int32: 0 found, else a negative EAI code */
#define WSK_LOOKUP_HERR 4     /* int32: the lookup's h_errno (NSS h_errnop) */
#define WSK_LOOKUP_HGLOBAL 8  /* int32: glibc's global h_errno as the lookup
				 left it, -1 when it did not touch it */
#define WSK_LOOKUP_FAMILY 12  /* int32: the entry's family (0: every one) */
#define WSK_LOOKUP_NADDRS 16  /* uint32, at most WSK_LOOKUP_ADDRS_MAX */
#define WSK_LOOKUP_NNAMES 20  /* uint32 */
#define WSK_LOOKUP_HEADER 24  /* the first address record */
#define WSK_LOOKUP_ADDR_SIZE 24
/* A host entry's capacities (WSK_HOST_ADDRS, WSK_HOST_TEXT): the record
 * carries what one struct wsk_hostent holds, so one buffer of
 * WSK_LOOKUP_MAX bytes always fits. */
#define WSK_LOOKUP_ADDRS_MAX 48
#define WSK_LOOKUP_NAMES_MAX 2048
#define WSK_LOOKUP_MAX (WSK_LOOKUP_HEADER + \
	WSK_LOOKUP_ADDRS_MAX * WSK_LOOKUP_ADDR_SIZE + WSK_LOOKUP_NAMES_MAX)
/* The longest name asked, its NUL included: the host's exchange buffer. A
 * longer one is no host name (at most 255 bytes on the wire) and is
 * EAI_NONAME without a host call. */
#define WSK_LOOKUP_NAME_MAX 1024

/*
 * The host entry for name (namelen bytes, no NUL among them) of family af
 * (AF_INET, AF_INET6, or 0 for every family): wsk_lookup_name's answer.
 */
WASOCK_IMPORT("lookup_name")
int wsk_host_lookup_name(const char *name, uint32_t namelen, int af,
			 void *buf, uint32_t size, uint32_t *len_out);
/* The host entry for addr (4 bytes for AF_INET, 16 for AF_INET6):
 * wsk_lookup_addr's answer, as far as the guest's grant reaches. */
WASOCK_IMPORT("lookup_addr")
int wsk_host_lookup_addr(int af, const uint8_t *addr, void *buf,
			 uint32_t size, uint32_t *len_out);

/* ---- messages with ancillary data (added within version 1) --------------- */

/*
 * sendmsg(2) and recvmsg(2) of one message record at msg in the caller's
 * memory, laid out as wasm32's struct msghdr (WSK_MSG_* offsets, all fields
 * 32-bit little-endian):
 *   { uint32 name; uint32 namelen; uint32 iov; uint32 iovlen;
 *     uint32 control; uint32 controllen; int32 flags }
 * name: a raw sockaddr of namelen bytes (0 for none; recvmsg writes the
 * sender's there and its length back to namelen). iov: iovlen records
 * { uint32 base; uint32 len } (WSK_IOV_*), at most WSK_IOV_MAX.
 *
 * control: the control messages in the ABI's own layout, which is wasm32's:
 * each a WSK_CMSG_HDR-byte header { uint32 len; int32 level; int32 type }
 * (len counts the header and the data), the data, then padding to
 * WSK_CMSG_ALIGN. The host converts to and from its kernel's layout, so a
 * guest's CMSG_* macros and the library's codec meet the same bytes.
 * SCM_RIGHTS data are descriptors of the caller's own space (the host's
 * handles); what a guest's host lets through, and how it maps descriptors,
 * is its policy (docs/guests.md).
 *
 * recvmsg writes namelen, controllen and flags (MSG_TRUNC, MSG_CTRUNC, ...)
 * back into the record; *n_out gets the bytes of data. Control messages that
 * do not fit in controllen are dropped whole and set MSG_CTRUNC; descriptors
 * they carried are closed, never leaked. Received descriptors are
 * close-on-exec (MSG_CMSG_CLOEXEC is always added). sendmsg always adds
 * MSG_NOSIGNAL; *n_out gets the bytes sent.
 */
#define WSK_MSG_NAME 0
#define WSK_MSG_NAMELEN 4
#define WSK_MSG_IOV 8
#define WSK_MSG_IOVLEN 12
#define WSK_MSG_CONTROL 16
#define WSK_MSG_CONTROLLEN 20
#define WSK_MSG_FLAGS 24
#define WSK_MSG_SIZE 28
#define WSK_IOV_BASE 0
#define WSK_IOV_LEN 4
#define WSK_IOV_SIZE 8
/* Linux's UIO_MAXIOV: a message of more buffers is EMSGSIZE there too. */
#define WSK_IOV_MAX 1024
#define WSK_CMSG_LEN 0
#define WSK_CMSG_LEVEL 4
#define WSK_CMSG_TYPE 8
#define WSK_CMSG_HDR 12
#define WSK_CMSG_ALIGN 4
WASOCK_IMPORT("sendmsg")
int wsk_host_sendmsg(int fd, const void *msg, int flags, uint32_t *n_out);
WASOCK_IMPORT("recvmsg")
int wsk_host_recvmsg(int fd, void *msg, int flags, uint32_t *n_out);

#endif
