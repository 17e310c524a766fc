/*
 * The guest SDK's libc shim: the BSD socket calls of <sys/socket.h>,
 * <arpa/inet.h> and <poll.h> for wasm32-wasi guests, over the wasock host
 * imports (<wasock/host.h>) and the wasock core (text forms of addresses).
 * Raw POSIX semantics: each call is one host call; blocking and O_NONBLOCK
 * are the host descriptor's own. errno is the libc's numbering, translated
 * from the host's Linux errno.
 *
 * Descriptors are the host's virtual ones, in the same number space as the
 * guest's WASI descriptors: read(), write(), close() and fcntl(F_SETFL,
 * O_NONBLOCK) of wasi-libc reach sockets through the host's WASI layer, and
 * poll() here (with select() in select.c) spans both kinds.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <wasock/core.h>
#include <wasock/linux.h>
#include "errno_map.h"

/* Linux's UIO_MAXIOV: a message of more iovecs is EMSGSIZE there too. */
#define IOV_MAX_GUEST 1024
/* sendmsg/recvmsg gather scattered iovecs into one buffer (the ABI has no
 * vectored calls): up to this many bytes on the stack, more in one malloc. */
#define GATHER_STACK 2048
/* wasm32's struct timeval: int64 tv_sec, int32 tv_usec (12 bytes), then 4
 * bytes of padding (16). */
#define TIMEVAL_USED 12
#define TIMEVAL_SIZE 16

/* errno from a Linux errno: the host's answers, and the shim's own refusals
 * (named WSK_E* from <wasock/linux.h>), go through the one translation. */
static int fail(int err)
{
	errno = wsk_guest_errno(err);
	return -1;
}

/* A struct timeval of wasm32 (int64 sec, int32 usec, 4 pad) as Linux
 * x86_64's (int64, int64) for SO_RCVTIMEO/SO_SNDTIMEO. */
static int is_timeo(int level, int name)
{
	return level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO);
}

const struct in6_addr in6addr_any = IN6ADDR_ANY_INIT;
const struct in6_addr in6addr_loopback = IN6ADDR_LOOPBACK_INIT;

int socket(int domain, int type, int proto)
{
	int32_t fd = -1;
	int err = wsk_host_socket(domain, type, proto, &fd);

	return err ? fail(err) : fd;
}

int socketpair(int domain, int type, int proto, int sv[2])
{
	int32_t fds[2];
	int err = wsk_host_socketpair(domain, type, proto, fds);

	if (err)
		return fail(err);
	sv[0] = fds[0];
	sv[1] = fds[1];
	return 0;
}

int bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	int err = wsk_host_bind(fd, sa, len);

	return err ? fail(err) : 0;
}

int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	int err = wsk_host_connect(fd, sa, len);

	return err ? fail(err) : 0;
}

int listen(int fd, int backlog)
{
	int err = wsk_host_listen(fd, backlog);

	return err ? fail(err) : 0;
}

int accept4(int fd, struct sockaddr *restrict sa, socklen_t *restrict len,
	    int flags)
{
	int32_t nfd = -1;
	int err;

	if (sa && !len)
		return fail(WSK_EFAULT);
	err = wsk_host_accept(fd, sa, sa ? len : 0, flags, &nfd);
	return err ? fail(err) : nfd;
}

int accept(int fd, struct sockaddr *restrict sa, socklen_t *restrict len)
{
	return accept4(fd, sa, len, 0);
}

int shutdown(int fd, int how)
{
	int err = wsk_host_shutdown(fd, how);

	return err ? fail(err) : 0;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *sa, socklen_t salen)
{
	uint32_t n = 0;
	int err = wsk_host_sendto(fd, buf, (uint32_t)len, flags, sa,
				  sa ? salen : 0, &n);

	return err ? fail(err) : (ssize_t)n;
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return sendto(fd, buf, len, flags, 0, 0);
}

ssize_t recvfrom(int fd, void *restrict buf, size_t len, int flags,
		 struct sockaddr *restrict sa, socklen_t *restrict salen)
{
	uint32_t n = 0;
	int err;

	if (sa && !salen)
		return fail(WSK_EFAULT);
	err = wsk_host_recvfrom(fd, buf, (uint32_t)len, flags, sa,
				sa ? salen : 0, &n);
	return err ? fail(err) : (ssize_t)n;
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return recvfrom(fd, buf, len, flags, 0, 0);
}

/* The ABI has no sendmsg/recvmsg: the iovecs are gathered into one buffer
 * (one datagram stays one datagram). Control messages are not carried.
 * The message's checks, as both calls make them: 0 and the iovecs' total
 * length in *total, or -1 with errno set. */
static int iov_total(const struct msghdr *m, size_t *total)
{
	int i;

	if (!m)
		return fail(WSK_EFAULT);
	if (m->msg_iovlen < 0 || m->msg_iovlen > IOV_MAX_GUEST)
		return fail(WSK_EMSGSIZE);
	if (m->msg_iovlen && !m->msg_iov)
		return fail(WSK_EFAULT);
	*total = 0;
	for (i = 0; i < m->msg_iovlen; i++) {
		if (m->msg_iov[i].iov_len > 0x7fffffff - *total)
			return fail(WSK_EINVAL);
		*total += m->msg_iov[i].iov_len;
	}
	return 0;
}

/* A buffer for total bytes: the caller's stack one when it fits. */
static uint8_t *gather_buf(uint8_t *stack, size_t total)
{
	return total <= GATHER_STACK ? stack : malloc(total);
}

ssize_t sendmsg(int fd, const struct msghdr *m, int flags)
{
	size_t total, off = 0;
	uint8_t stack[GATHER_STACK], *buf;
	ssize_t r;
	int i;

	if (iov_total(m, &total) < 0)
		return -1;
	if (m->msg_controllen)
		return fail(WSK_EOPNOTSUPP); /* no ancillary data for guests */
	if (m->msg_iovlen == 1)
		return sendto(fd, m->msg_iov[0].iov_base, total, flags,
			      m->msg_name, m->msg_namelen);
	buf = gather_buf(stack, total);
	if (!buf)
		return fail(WSK_ENOMEM);
	for (i = 0; i < m->msg_iovlen; i++) {
		memcpy(buf + off, m->msg_iov[i].iov_base, m->msg_iov[i].iov_len);
		off += m->msg_iov[i].iov_len;
	}
	r = sendto(fd, buf, total, flags, m->msg_name, m->msg_namelen);
	if (buf != stack)
		free(buf);
	return r;
}

ssize_t recvmsg(int fd, struct msghdr *m, int flags)
{
	size_t total, off = 0, k;
	uint8_t stack[GATHER_STACK], *buf;
	ssize_t r;
	int i;

	if (iov_total(m, &total) < 0)
		return -1;
	m->msg_controllen = 0;
	m->msg_flags = 0;
	if (m->msg_iovlen == 1) {
		r = recvfrom(fd, m->msg_iov[0].iov_base, total, flags,
			     m->msg_name, m->msg_name ? &m->msg_namelen : 0);
	} else {
		buf = gather_buf(stack, total);
		if (!buf)
			return fail(WSK_ENOMEM);
		r = recvfrom(fd, buf, total, flags, m->msg_name,
			     m->msg_name ? &m->msg_namelen : 0);
		for (i = 0; r > 0 && i < m->msg_iovlen && off < (size_t)r; i++) {
			k = m->msg_iov[i].iov_len;
			if (k > (size_t)r - off)
				k = (size_t)r - off;
			memcpy(m->msg_iov[i].iov_base, buf + off, k);
			off += k;
		}
		if (buf != stack)
			free(buf);
	}
	if (r > (ssize_t)total)
		m->msg_flags |= MSG_TRUNC;
	return r;
}

int getsockopt(int fd, int level, int name, void *restrict val,
	       socklen_t *restrict len)
{
	int err;

	if (!len)
		return fail(WSK_EFAULT);
	if (is_timeo(level, name) && val && *len >= TIMEVAL_USED) {
		int64_t tv[2];
		wsk_socklen n = sizeof tv;
		int32_t usec;

		err = wsk_host_getsockopt(fd, level, name, tv, &n);
		if (err)
			return fail(err);
		usec = (int32_t)tv[1];
		memcpy(val, &tv[0], 8);
		memcpy((char *)val + 8, &usec, 4);
		if (*len >= TIMEVAL_SIZE)
			memset((char *)val + TIMEVAL_USED, 0,
			       TIMEVAL_SIZE - TIMEVAL_USED);
		*len = *len >= TIMEVAL_SIZE ? TIMEVAL_SIZE : TIMEVAL_USED;
		return 0;
	}
	err = wsk_host_getsockopt(fd, level, name, val, len);
	return err ? fail(err) : 0;
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	int err;

	if (is_timeo(level, name) && val && len >= TIMEVAL_USED) {
		int64_t tv[2];
		int32_t usec;

		memcpy(&tv[0], val, 8);
		memcpy(&usec, (const char *)val + 8, 4);
		tv[1] = usec;
		err = wsk_host_setsockopt(fd, level, name, tv, sizeof tv);
		return err ? fail(err) : 0;
	}
	err = wsk_host_setsockopt(fd, level, name, val, len);
	return err ? fail(err) : 0;
}

int getsockname(int fd, struct sockaddr *restrict sa, socklen_t *restrict len)
{
	int err = wsk_host_getsockname(fd, sa, len);

	return err ? fail(err) : 0;
}

int getpeername(int fd, struct sockaddr *restrict sa, socklen_t *restrict len)
{
	int err = wsk_host_getpeername(fd, sa, len);

	return err ? fail(err) : 0;
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	uint32_t n = 0;
	int err;

	if (nfds > 0xffffffffu)
		return fail(WSK_EINVAL);
	err = wsk_host_poll(fds, (uint32_t)nfds, timeout, &n);
	return err ? fail(err) : (int)n;
}

/* ---- byte order and text forms: the core's ------------------------------ */

uint32_t htonl(uint32_t x) { return wsk_htonl(x); }
uint16_t htons(uint16_t x) { return wsk_htons(x); }
uint32_t ntohl(uint32_t x) { return wsk_ntohl(x); }
uint16_t ntohs(uint16_t x) { return wsk_ntohs(x); }

int inet_pton(int af, const char *restrict src, void *restrict dst)
{
	int r = wsk_inet_pton(af, src, dst);

	if (r < 0) {
		errno = wsk_guest_errno(-r);
		return -1;
	}
	return r;
}

const char *inet_ntop(int af, const void *restrict src, char *restrict dst,
		      socklen_t size)
{
	int r = wsk_inet_ntop(af, src, dst, size);

	if (r < 0) {
		errno = wsk_guest_errno(-r);
		return 0;
	}
	return dst;
}

int inet_aton(const char *cp, struct in_addr *inp)
{
	uint32_t a;

	if (!wsk_inet_aton(cp, &a))
		return 0;
	if (inp)
		inp->s_addr = a;
	return 1;
}

in_addr_t inet_addr(const char *cp)
{
	uint32_t a;

	return wsk_inet_aton(cp, &a) ? a : INADDR_NONE;
}

in_addr_t inet_network(const char *cp)
{
	uint32_t a;

	return wsk_inet_aton(cp, &a) ? wsk_ntohl(a) : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in)
{
	static char buf[16];

	wsk_inet_ntoa(in.s_addr, buf);
	return buf;
}
