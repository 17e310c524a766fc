/*
 * The wasock core: protocol-independent socket logic, compiled to Wasm for the
 * TypeScript library and linked into Wasm guests. It performs no syscalls; it
 * reaches the OS only through the imports in <wasock/host.h>.
 *
 * Return convention of the core's functions (exports and internal alike).
 * The host imports below it return 0 or a POSITIVE errno; the core's own
 * functions turn that around, so a result >= 0 is always an answer and a
 * negative one always a failure, in the domain of the function's family:
 *
 *   socket ops and their rules (sock_*.c, deadline.c): >= 0 a count, a
 *       descriptor or a step; -errno (Linux numbering, -1..-133); or
 *       WSK_ETIMEOUT (-1000), the deadline passed (Python's `timeout`).
 *   address codecs (sockaddr_*.c): 0, -errno, or WSK_ADDR_NAME (1): the host
 *       is a name to resolve first (<wasock/sockaddr.h>).
 *   getaddrinfo/getnameinfo (<wasock/netdb.h>): >= 0, a negative EAI code as
 *       glibc numbers them (-1..-105), or WSK_GAI_LOOKUP (-1001): only a
 *       resolver the core does not have can answer.
 *   the rest of the netdb family (<wasock/netdb.h>): gethostbyname and
 *       gethostbyaddr 0 or -h_errno; getprotobyname the number or -1 (not
 *       found); getservby* 1 found or 0.
 *   glibc mirrors (inet_pton 1/0/-errno, inet_aton 1/0) keep glibc's own
 *       convention, noted at each declaration.
 *
 * The two sentinels lie below every errno Linux defines and every EAI code
 * glibc defines, and differ from each other, so neither can be mistaken for
 * a real error. A positive errno never leaves a function of the core: an
 * internal step that has one (an "attempt" of wsk_sock_call) says so.
 */
#ifndef WASOCK_CORE_H
#define WASOCK_CORE_H

#include <stdint.h>
#include <stddef.h>
#include <wasock/host.h>

#if defined(__wasm__)
#define WSK_EXPORT(name) __attribute__((export_name(name)))
#else
#define WSK_EXPORT(name)
#endif

/* Linux values the core needs; the full sets live in the generated tables. */
enum {
	WSK_AF_UNSPEC = 0,
	WSK_AF_UNIX = 1,
	WSK_AF_INET = 2,
	WSK_AF_INET6 = 10,
};

/* A deadline passed in timeout mode. Not an errno: the library raises
 * `timeout`. Below every -errno (Linux's largest errno is 133). */
#define WSK_ETIMEOUT (-1000)

/* ---- text forms of addresses (inet_*.c) -------------------------------- */

/* Linux's INET_ADDRSTRLEN and INET6_ADDRSTRLEN: the longest text inet_ntop
 * writes ("255.255.255.255", "ffff:...:ffff:255.255.255.255") with its NUL.
 * A field longer than that is no address, so a parser may refuse it before
 * reading it. */
#define WSK_INET_ADDRSTRLEN 16
#define WSK_INET6_ADDRSTRLEN 46
/* A uint32_t in decimal: 4294967295. */
#define WSK_U32_DIGITS 10

/* glibc's inet_pton: 1 on success, 0 when src is not a valid address of af,
 * -EAFNOSUPPORT for another af. dst receives 4 or 16 bytes, network order. */
int wsk_inet_pton(int af, const char *src, void *dst);
/* glibc's inet_ntop output (RFC 5952 for IPv6, dotted-quad tail for
 * v4-mapped/compatible). Returns 0, -EAFNOSUPPORT or -ENOSPC. */
int wsk_inet_ntop(int af, const void *src, char *dst, uint32_t size);
/* glibc's inet_aton: every classful, octal and hex form. 1 ok, 0 invalid. */
int wsk_inet_aton(const char *cp, uint32_t *addr_be);
/* Dotted quad of a network-order address; out holds at least 16 bytes. */
void wsk_inet_ntoa(uint32_t addr_be, char *out);

/* ---- byte order (byteorder.c) ------------------------------------------- */

uint32_t wsk_htonl(uint32_t x);
uint16_t wsk_htons(uint16_t x);
uint32_t wsk_ntohl(uint32_t x);
uint16_t wsk_ntohs(uint16_t x);

/* ---- error texts (errno_table.c, generated) ------------------------------ */

/* glibc's strerror text, "Unknown error N" written to buf when unknown.
 * Returns buf or a static string. */
const char *wsk_strerror(int errnum, char *buf, uint32_t size);
/* "ECONNREFUSED" etc., or NULL when errnum has no name. */
const char *wsk_errno_name(int errnum);
/* glibc's gai_strerror text for an EAI_* value (negative on Linux). */
const char *wsk_gai_strerror(int eai);
/* "EAI_NONAME" for -2; NULL when glibc has no name for the code. */
const char *wsk_gai_name(int eai);

/* ---- the operation loop (deadline.c, sock_call.c, sock_io.c, sock_conn.c)
 * timeout: < 0 blocking (None), 0 non-blocking, > 0 seconds. Results are a
 * count or descriptor (>= 0), -errno, or WSK_ETIMEOUT. */

int64_t wsk_deadline_start(double timeout);
int wsk_deadline_left_ms(int64_t deadline);

/* What to do after an attempt failed with err (deadline.c has the rule):
 * WSK_STEP_RETRY, a wait for readiness of 1..WSK_STEP_FOREVER-1 ms or
 * WSK_STEP_FOREVER, or a failure (< 0: -errno or WSK_ETIMEOUT). */
#define WSK_STEP_RETRY 0
#define WSK_STEP_FOREVER 0x7fffffff
/* flags: the descriptor is non-blocking in every mode (the Promise API), so
 * blocking mode waits for readiness too. */
#define WSK_STEP_ASYNC 1
int wsk_next_step(int err, double timeout, int64_t deadline, int flags);
int wsk_step_wait(double timeout, int64_t deadline, int flags);
/* connect: err from connect(2) (EINTR after an unfinished wait); 0 is done,
 * a wait is for POLLOUT and is followed by wsk_connect_result. */
int wsk_connect_step(int err, double timeout, int64_t deadline, int flags);
int wsk_connect_result(int fd);
/* The sync loop that acts on these rules, wsk_sock_call, is internal to
 * the core's socket ops: core-c/src/sock_call.h. */

int wsk_socket(int family, int type, int proto, double timeout);
int wsk_settimeout(int fd, double timeout);
int wsk_connect(int fd, const void *sa, wsk_socklen salen, double timeout,
		int tried);
int wsk_accept(int fd, void *sa, wsk_socklen *salen, double timeout,
	       int tried);
/* tried: errno of an attempt the caller already made, 0 for none. */
int wsk_recvfrom(int fd, void *buf, uint32_t len, int flags, void *sa,
		 wsk_socklen *salen, double timeout, int tried);
int wsk_sendto(int fd, const void *buf, uint32_t len, int flags,
	       const void *sa, wsk_socklen salen, double timeout, int tried);
int wsk_sendall(int fd, const void *buf, uint32_t len, int flags,
		double timeout, uint32_t *sent, int tried);
/* msg: the host ABI's message record (host.h WSK_MSG_*); the count of data
 * bytes sent or received. */
int wsk_sendmsg(int fd, const void *msg, int flags, double timeout, int tried);
int wsk_recvmsg(int fd, void *msg, int flags, double timeout, int tried);
int wsk_close(int fd);

/* ---- small freestanding helpers (str.c) ---------------------------------- */

size_t wsk_strlen(const char *s);
void *wsk_memcpy(void *dst, const void *src, size_t n);
void *wsk_memset(void *dst, int c, size_t n);
int wsk_memcmp(const void *a, const void *b, size_t n);
/* v in decimal + NUL (out holds WSK_U32_DIGITS + 1); returns the digit count */
uint32_t wsk_utoa(uint32_t v, char *out);

#endif
