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
#include <stddef.h>
#include <string.h>
#include <sys/uio.h>
#include <wasock/core.h>
#include <wasock/linux.h>
#include "errno_map.h"

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

/* One host call each, on the caller's own struct msghdr: wasm32's layout is
 * the ABI's record (WSK_MSG_*, WSK_IOV_*), and its struct cmsghdr and
 * CMSG_* macros are the ABI's control message layout (WSK_CMSG_*). The host
 * checks every pointer and length in it (EFAULT, EMSGSIZE, EINVAL) and
 * writes back what recvmsg(2) writes back. */
_Static_assert(offsetof(struct msghdr, msg_name) == WSK_MSG_NAME &&
	       offsetof(struct msghdr, msg_namelen) == WSK_MSG_NAMELEN &&
	       offsetof(struct msghdr, msg_iov) == WSK_MSG_IOV &&
	       offsetof(struct msghdr, msg_iovlen) == WSK_MSG_IOVLEN &&
	       offsetof(struct msghdr, msg_control) == WSK_MSG_CONTROL &&
	       offsetof(struct msghdr, msg_controllen) == WSK_MSG_CONTROLLEN &&
	       offsetof(struct msghdr, msg_flags) == WSK_MSG_FLAGS &&
	       sizeof(struct msghdr) == WSK_MSG_SIZE, "msghdr is the ABI's");
_Static_assert(offsetof(struct iovec, iov_len) == WSK_IOV_LEN &&
	       sizeof(struct iovec) == WSK_IOV_SIZE, "iovec is the ABI's");
_Static_assert(offsetof(struct cmsghdr, cmsg_level) == WSK_CMSG_LEVEL &&
	       offsetof(struct cmsghdr, cmsg_type) == WSK_CMSG_TYPE &&
	       sizeof(struct cmsghdr) == WSK_CMSG_HDR &&
	       CMSG_ALIGN(1) == WSK_CMSG_ALIGN, "cmsghdr is the ABI's");

ssize_t sendmsg(int fd, const struct msghdr *m, int flags)
{
	uint32_t n = 0;
	int err;

	if (!m)
		return fail(WSK_EFAULT);
	err = wsk_host_sendmsg(fd, m, flags, &n);
	return err ? fail(err) : (ssize_t)n;
}

ssize_t recvmsg(int fd, struct msghdr *m, int flags)
{
	uint32_t n = 0;
	int err;

	if (!m)
		return fail(WSK_EFAULT);
	err = wsk_host_recvmsg(fd, m, flags, &n);
	return err ? fail(err) : (ssize_t)n;
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
