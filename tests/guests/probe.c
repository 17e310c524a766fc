/* Test guest: runs one socket operation per argument and prints
 * "ARG=RESULT" (OK or the errno's name). Used by tests/guest.test.mjs for
 * denied addresses in every spelling and for hostile calls. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <fcntl.h>
#include <wasi/api.h>
#include <wasock/host.h>

static const char *ename(int e)
{
	switch (e) {
	case 0: return "OK";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case EBADF: return "EBADF";
	case EFAULT: return "EFAULT";
	case EINVAL: return "EINVAL";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EMFILE: return "EMFILE";
	case ENOTSOCK: return "ENOTSOCK";
	case EAGAIN: return "EAGAIN";
	case ECONNREFUSED: return "ECONNREFUSED";
	case EADDRINUSE: return "EADDRINUSE";
	case EMSGSIZE: return "EMSGSIZE";
	case EINPROGRESS: return "EINPROGRESS";
	case ENOTCONN: return "ENOTCONN";
	case ENOENT: return "ENOENT";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	default: { static char b[16]; snprintf(b, sizeof b, "E%d", e); return b; }
	}
}

/* Linux errno straight from a host import. */
static const char *lname(int e)
{
	switch (e) {
	case 0: return "OK";
	case 9: return "EBADF";
	case 13: return "EACCES";
	case 14: return "EFAULT";
	case 22: return "EINVAL";
	case 88: return "ENOTSOCK";
	case 97: return "EAFNOSUPPORT";
	default: { static char b[16]; snprintf(b, sizeof b, "L%d", e); return b; }
	}
}

static int sa_of(const char *host, int port, struct sockaddr_storage *ss, int v6)
{
	memset(ss, 0, sizeof *ss);
	if (!v6) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		inet_pton(AF_INET, host, &a->sin_addr);
		return sizeof *a;
	}
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
	a->sin6_family = AF_INET6;
	a->sin6_port = htons(port);
	inet_pton(AF_INET6, host, &a->sin6_addr);
	return sizeof *a;
}

static int run(char *cmd)
{
	char op[16], host[128] = "";
	int port = 0, fd, r, one = 1, zero = 0;
	struct sockaddr_storage ss;
	char *c1 = strchr(cmd, ':'), *c2 = strrchr(cmd, ':');

	if (c1) {
		snprintf(op, sizeof op, "%.*s", (int)(c1 - cmd), cmd);
		if (c2 > c1 && strncmp(op, "u", 1) != 0) {
			snprintf(host, sizeof host, "%.*s", (int)(c2 - c1 - 1), c1 + 1);
			port = atoi(c2 + 1);
		} else
			snprintf(host, sizeof host, "%s", c1 + 1);
	} else
		snprintf(op, sizeof op, "%s", cmd);
	errno = 0;
	if (!strcmp(op, "c4") || !strcmp(op, "c6") || !strcmp(op, "b4") || !strcmp(op, "b6") ||
	    !strcmp(op, "b6only") || !strcmp(op, "s4") || !strcmp(op, "s6")) {
		int v6 = op[1] == '6' || op[1] == '6' || !strcmp(op, "b6only");
		int dgram = op[0] == 's';
		if ((fd = socket(v6 ? AF_INET6 : AF_INET, (dgram ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK, 0)) < 0)
			return errno;
		int len = sa_of(host, port, &ss, v6);
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (v6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, !strcmp(op, "b6only") ? &one : &zero, sizeof one);
		if (op[0] == 'c') r = connect(fd, (struct sockaddr *)&ss, len);
		else if (op[0] == 'b') r = bind(fd, (struct sockaddr *)&ss, len);
		else r = sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len) == 1 ? 0 : -1;
		int e = r < 0 ? errno : 0;
		close(fd);
		return e == EINPROGRESS ? 0 : e;
	}
	if (!strcmp(op, "uc") || !strcmp(op, "ub")) {
		struct sockaddr_un un = { .sun_family = AF_UNIX };
		int abstract = host[0] == '@';
		size_t n = strlen(host);
		memcpy(un.sun_path, host, n);
		if (abstract) un.sun_path[0] = 0;
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0) return errno;
		r = op[1] == 'c' ? connect(fd, (struct sockaddr *)&un, 2 + n + !abstract)
				 : bind(fd, (struct sockaddr *)&un, 2 + n + !abstract);
		int e = r < 0 ? errno : 0;
		close(fd);
		return e;
	}
	if (!strcmp(op, "raw")) { fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP); if (fd >= 0) close(fd); return fd < 0 ? errno : 0; }
	if (!strcmp(op, "netlink")) { fd = socket(16, SOCK_RAW, 0); if (fd >= 0) close(fd); return fd < 0 ? errno : 0; }
	if (!strcmp(op, "packet")) { fd = socket(17, SOCK_RAW, 0); if (fd >= 0) close(fd); return fd < 0 ? errno : 0; }
	if (!strcmp(op, "listen")) { fd = socket(AF_INET, SOCK_STREAM, 0); r = listen(fd, 1); int e = r < 0 ? errno : 0; close(fd); return e; }
	if (!strcmp(op, "many")) {
		int n = atoi(host), i, e = 0, fds[512];
		for (i = 0; i < n && i < 512; i++)
			if ((fds[i] = socket(AF_INET, SOCK_STREAM, 0)) < 0) { e = errno; break; }
		for (int j = 0; j < i; j++) close(fds[j]);
		return e;
	}
	if (!strcmp(op, "closed")) { fd = socket(AF_INET, SOCK_STREAM, 0); close(fd); r = listen(fd, 1); return r < 0 ? errno : 0; }
	if (!strcmp(op, "forged")) { r = listen(12345, 1); return r < 0 ? errno : 0; }
	if (!strcmp(op, "stdin-sock")) { r = listen(0, 1); return r < 0 ? errno : 0; }
	if (!strcmp(op, "negfd")) { r = listen(-5, 1); return r < 0 ? errno : 0; }
	/* Straight to the imports with hostile pointers and lengths (Linux errno). */
	if (!strcmp(op, "wild")) {
		int32_t out;
		uint32_t n;
		wsk_socklen sl = 16;
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
		printf("wild-connect=%s\n", lname(wsk_host_connect(fd, (void *)0xfffffff0u, 16)));
		printf("wild-bind-len=%s\n", lname(wsk_host_bind(fd, (void *)16, 0x40000000u)));
		printf("wild-recv=%s\n", lname(wsk_host_recvfrom(fd, (void *)0x7ffffff0u, 4096, 0, 0, 0, &n)));
		printf("wild-send=%s\n", lname(wsk_host_sendto(fd, (void *)0xfffffff0u, 4096, 0, 0, 0, &n)));
		printf("wild-out=%s\n", lname(wsk_host_socket(AF_INET, SOCK_STREAM, 0, (int32_t *)0xfffffffcu)));
		printf("wild-salen=%s\n", lname(wsk_host_getsockname(fd, &out, (wsk_socklen *)0xfffffffeu)));
		printf("wild-poll=%s\n", lname(wsk_host_poll((void *)0xfffff000u, 1000, 0, &n)));
		printf("huge-poll=%s\n", lname(wsk_host_poll((void *)16, 0x10000000u, 0, &n)));
		printf("wild-accept=%s\n", lname(wsk_host_accept(fd, (void *)0xfffffff0u, &sl, 0, &out)));
		printf("big-sockaddr=%s\n", lname(wsk_host_connect(fd, (void *)1024, 4096)));
		printf("wild-gso=%s\n", lname(wsk_host_getsockopt(fd, 1, 7, (void *)0xfffffff0u, &sl)));
		printf("wild-sso=%s\n", lname(wsk_host_setsockopt(fd, 1, 7, (void *)16, 0x80000000u)));
		printf("wild-rfile=%s\n", lname(wsk_host_resolver_file(1, (void *)0xfffffff0u, 4096, &n, (uint32_t *)0xfffffff0u)));
		printf("bad-family=%s\n", lname(wsk_host_connect(fd, "\x0a\x00\x00\x35", 16)));
		/* WASI with oversized and wild iovec lists on a socket. */
		__wasi_size_t nw;
		__wasi_ciovec_t iov = { (const uint8_t *)"x", 1 };
		printf("iov-huge=%d\n", __wasi_fd_write(fd, &iov, 1u << 20, &nw) != 0);
		printf("iov-wild=%d\n", __wasi_fd_write(fd, (const __wasi_ciovec_t *)0xfffffff0u, 4, &nw) != 0);
		struct msghdr m = { .msg_iov = (struct iovec *)&iov, .msg_iovlen = 1 << 20 };
		printf("msg-huge=%s\n", ename(sendmsg(fd, &m, 0) < 0 ? errno : 0));
		close(fd);
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		int e = run(argv[i]);
		if (e >= 0)
			printf("%s=%s\n", argv[i], ename(e));
		else
			printf("%s=?\n", argv[i]);
		fflush(stdout);
	}
	return 0;
}
