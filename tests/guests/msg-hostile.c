/*
 * A hostile guest's sendmsg/recvmsg: descriptors it does not own, forged
 * credentials, records and buffers past its memory, lying lengths, too many
 * descriptors, received descriptors over its limit or in a buffer too small,
 * and a file descriptor sent to it from outside. Each refusal is printed
 * beside the legitimate variant that works (tests/guest-msg.test.mjs).
 *
 * argv: CTL PEER FILE. CTL: a unix socket the test holds; at each
 * "checkpoint NAME" line the guest waits for one byte on it while the test
 * counts the host's open descriptors. PEER: a unix socket where a process
 * sends it a file and a socket with SCM_RIGHTS. FILE: a file under its --dir.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasock/host.h>
#include <wasi/api.h>

/* Linux's numbers, which the guest ABI's flags and SOL_SOCKET names are;
 * the SDK's headers leave out what a guest may not use. */
#ifndef SO_MARK
#define SO_MARK 36
#endif
#ifndef SCM_TXTIME
#define SCM_TXTIME 61
#endif
#ifndef MSG_PROBE
#define MSG_PROBE 0x10
#endif
#ifndef MSG_ZEROCOPY
#define MSG_ZEROCOPY 0x4000000
#endif
#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif

#define MEM_END ((uintptr_t)__builtin_wasm_memory_size(0) * 65536)

static int ctl = -1;

static const char *ename(int e)
{
	switch (e) {
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	case EMSGSIZE: return "EMSGSIZE";
	case EPERM: return "EPERM";
	case EFAULT: return "EFAULT";
	case ENOBUFS: return "ENOBUFS";
	case EMFILE: return "EMFILE";
	case EAGAIN: return "EAGAIN";
	case EACCES: return "EACCES";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ECONNREFUSED: return "ECONNREFUSED";
	default: return strerror(e);
	}
}

static void result(const char *what, long r)
{
	printf("%s %ld %s\n", what, r < 0 ? -1L : r, r < 0 ? ename(errno) : "OK");
}

static void checkpoint(const char *name)
{
	char b;

	printf("checkpoint %s\n", name);
	recv(ctl, &b, 1, 0);
}

static int unix_connect(const char *path)
{
	struct sockaddr_un sa = { 0 };
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	sa.sun_family = AF_UNIX;
	strncpy(sa.sun_path, path, sizeof sa.sun_path - 1);
	if (connect(s, (struct sockaddr *)&sa, sizeof sa) < 0) {
		perror("connect");
		exit(2);
	}
	return s;
}

static char cbuf[CMSG_SPACE(200 * sizeof(int)) + CMSG_SPACE(100 * sizeof(int))];
static struct iovec iov1;
static struct msghdr msg;

/* msg: one byte of data and one control message of clen bytes of cdata. */
static struct msghdr *with(int level, int type, const void *cdata, size_t clen)
{
	struct cmsghdr *c;

	memset(&msg, 0, sizeof msg);
	memset(cbuf, 0, sizeof cbuf);
	iov1.iov_base = "x";
	iov1.iov_len = 1;
	msg.msg_iov = &iov1;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = CMSG_SPACE(clen);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(clen);
	memcpy(CMSG_DATA(c), cdata, clen);
	return &msg;
}

static struct msghdr *fds(const int *v, int n)
{
	return with(SOL_SOCKET, SCM_RIGHTS, v, n * sizeof(int));
}

/* Receives one message on s into a control buffer of room bytes: prints the
 * descriptors received and closes them. */
static void receive(const char *what, int s, size_t room)
{
	char data[8];
	struct iovec iov = { data, sizeof data };
	struct msghdr m = { 0 };
	struct cmsghdr *c;
	int n = 0;
	long r;

	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = room ? cbuf : 0;
	m.msg_controllen = room;
	r = recvmsg(s, &m, 0);
	for (c = r >= 0 ? CMSG_FIRSTHDR(&m) : 0; c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
			n++;
			close(fd);
		}
	}
	printf("%s %ld %s fds=%d ctrunc=%d\n", what, r < 0 ? -1L : r, r < 0 ? ename(errno) : "OK", n,
	       r >= 0 && !!(m.msg_flags & MSG_CTRUNC));
}

static void descriptors(int a[2], const char *file)
{
	int bad[] = { 1, 4095, 1 << 20, -1 }, f, s, closed, many[254], i;

	result("rights-own", sendmsg(a[0], fds(&a[0], 1), 0));
	receive("rights-own-recv", a[1], 64);
	for (i = 0; i < 4; i++) {
		char what[32];
		snprintf(what, sizeof what, "rights-fd-%d", bad[i]);
		result(what, sendmsg(a[0], fds(&bad[i], 1), 0));
	}
	f = open(file, O_RDWR | O_CREAT, 0600);
	printf("file-open %d\n", f >= 0);
	result("rights-wasi-file", sendmsg(a[0], fds(&f, 1), 0));
	close(f);
	closed = socket(AF_UNIX, SOCK_DGRAM, 0);
	close(closed);
	result("rights-closed", sendmsg(a[0], fds(&closed, 1), 0));
	/* One bad among good ones: nothing is sent. */
	{
		int mixed[3] = { a[0], 1, a[1] };
		result("rights-mixed", sendmsg(a[0], fds(mixed, 3), 0));
	}
	s = socket(AF_INET, SOCK_DGRAM, 0);
	/* The destination is judged as sendto's: 127.0.0.1:9 granted, :10 not. */
	{
		struct sockaddr_in to = { 0 };
		int tos = 0;

		to.sin_family = AF_INET;
		to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		to.sin_port = htons(9);
		with(IPPROTO_IP, IP_TOS, &tos, sizeof tos);
		msg.msg_name = &to;
		msg.msg_namelen = sizeof to;
		result("sendmsg-granted", sendmsg(s, &msg, 0));
		to.sin_port = htons(10);
		result("sendmsg-denied", sendmsg(s, &msg, 0));
	}
	result("rights-on-udp", sendmsg(s, fds(&a[0], 1), 0));
	/* IP_PKTINFO would choose the source address: received only. */
	{
		struct in_pktinfo pi = { 0 };
		result("pktinfo-send", sendmsg(s, with(IPPROTO_IP, IP_PKTINFO, &pi, sizeof pi), 0));
	}
	close(s);
	for (i = 0; i < 254; i++)
		many[i] = a[0];
	result("rights-254", sendmsg(a[0], fds(many, 254), 0));
	result("rights-253", sendmsg(a[0], fds(many, 253), 0));
	/* Two messages of 200 and 100: the kernel's limit is per message. */
	{
		struct cmsghdr *c;

		fds(many, 200);
		msg.msg_controllen = sizeof cbuf;
		c = CMSG_NXTHDR(&msg, CMSG_FIRSTHDR(&msg));
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(100 * sizeof(int));
		memcpy(CMSG_DATA(c), many, 100 * sizeof(int));
		msg.msg_controllen = (char *)c - cbuf + CMSG_SPACE(100 * sizeof(int));
		result("rights-200+100", sendmsg(a[0], &msg, 0));
	}
	/* The 253 copies arrive as new descriptors up to the socket limit; the
	 * rest are closed (MSG_CTRUNC). */
	checkpoint("before-over-limit");
	receive("rights-253-recv", a[1], sizeof cbuf);
	checkpoint("after-over-limit");
	/* A control buffer too small for the message: dropped whole, closed. */
	{
		int three[3] = { a[0], a[0], a[0] };
		result("rights-3", sendmsg(a[0], fds(three, 3), 0));
		receive("rights-3-recv-small", a[1], CMSG_SPACE(sizeof(int)));
		result("rights-3-again", sendmsg(a[0], fds(three, 3), 0));
		receive("rights-3-recv-fits", a[1], CMSG_SPACE(3 * sizeof(int)));
	}
	checkpoint("after-small");
}

static void credentials(int a[2])
{
	int u[2], on = 1;
	struct { int pid, uid, gid; } forged = { 1, 0, 0 };

	socketpair(AF_UNIX, SOCK_DGRAM, 0, u);
	setsockopt(u[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
	result("creds-forged", sendmsg(u[0], with(SOL_SOCKET, SCM_CREDENTIALS, &forged, sizeof forged), 0));
	result("creds-plain", send(u[0], "y", 1, 0));
	{
		char data[4], cb[64];
		struct iovec iov = { data, sizeof data };
		struct msghdr m = { 0 };
		struct cmsghdr *c;
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = cb;
		m.msg_controllen = sizeof cb;
		printf("creds-recv %ld", (long)recvmsg(u[1], &m, 0));
		c = CMSG_FIRSTHDR(&m);
		printf(" type=%d pid-not-forged=%d\n", c ? c->cmsg_type : -1,
		       c && ((int *)CMSG_DATA(c))[0] != 1);
	}
	{
		int ttl = 5;
		result("ip-ttl-on-unix", sendmsg(a[0], with(IPPROTO_IP, IP_TTL, &ttl, sizeof ttl), 0));
	}
	close(u[0]);
	close(u[1]);
}

static void bounds(int a[2])
{
	static struct iovec big[1025];
	char data[4];
	long r;

	for (int i = 0; i < 1025; i++) {
		big[i].iov_base = data;
		big[i].iov_len = 0;
	}
	big[0].iov_len = 1;
	memset(&msg, 0, sizeof msg);
	msg.msg_iov = big;
	msg.msg_iovlen = 1024;
	result("iovlen-1024", sendmsg(a[0], &msg, 0));
	receive("iovlen-1024-recv", a[1], 0);
	msg.msg_iovlen = 1025;
	result("iovlen-1025", sendmsg(a[0], &msg, 0));
	msg.msg_iovlen = 0x7fffffff;
	result("iovlen-int-max", sendmsg(a[0], &msg, 0));
	msg.msg_iovlen = -1;
	result("iovlen-minus-1", sendmsg(a[0], &msg, 0));
	result("iovlen-minus-1-recv", recvmsg(a[1], &msg, MSG_DONTWAIT));

	msg.msg_iovlen = 1;
	big[0].iov_base = (void *)(MEM_END - 2);
	big[0].iov_len = 10;
	result("iov-past-memory", sendmsg(a[0], &msg, 0));
	result("iov-past-memory-recv", recvmsg(a[1], &msg, MSG_DONTWAIT));
	big[0].iov_base = (void *)(MEM_END - 10);
	result("iov-end-of-memory", sendmsg(a[0], &msg, 0));
	receive("iov-end-of-memory-recv", a[1], 0);

	result("msghdr-past-memory", sendmsg(a[0], (struct msghdr *)(MEM_END - 10), 0));
	result("msghdr-past-memory-recv", recvmsg(a[1], (struct msghdr *)(MEM_END - 10), 0));

	/* Control data past memory, NULL with a length, longer than the host takes. */
	fds(&a[0], 1);
	msg.msg_control = (void *)(MEM_END - 4);
	result("control-past-memory", sendmsg(a[0], &msg, 0));
	msg.msg_control = 0;
	result("control-null", sendmsg(a[0], &msg, 0));
	fds(&a[0], 1);
	msg.msg_controllen = 1 << 20;
	msg.msg_control = malloc(1 << 20);
	memcpy(msg.msg_control, cbuf, CMSG_SPACE(sizeof(int)));
	result("control-1MiB", sendmsg(a[0], &msg, 0));
	free(msg.msg_control);
	result("control-right", sendmsg(a[0], fds(&a[0], 1), 0));
	/* recvmsg with its control buffer past memory: the message stays queued. */
	{
		char d[4];
		struct iovec iov = { d, sizeof d };
		struct msghdr m = { 0 };
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = (void *)(MEM_END - 4);
		m.msg_controllen = 64;
		result("recv-control-past-memory", recvmsg(a[1], &m, 0));
		m.msg_control = 0;
		m.msg_controllen = 0;
		m.msg_name = (void *)(MEM_END - 4);
		m.msg_namelen = 64;
		result("recv-name-past-memory", recvmsg(a[1], &m, 0));
	}
	receive("recv-control-right", a[1], 64);
	/* cmsg_len lying on SCM_RIGHTS. */
	fds(&a[0], 1);
	CMSG_FIRSTHDR(&msg)->cmsg_len = msg.msg_controllen + 4;
	result("rights-len-over", sendmsg(a[0], &msg, 0));
	CMSG_FIRSTHDR(&msg)->cmsg_len = 4;
	result("rights-len-under", sendmsg(a[0], &msg, 0));
	r = sendmsg(a[0], fds(&a[0], 1), 0);
	result("rights-len-right", r);
	receive("rights-len-right-recv", a[1], 64);
}

/* A process outside sends a file, a socket, a pipe, a raw socket (when it
 * may make one) and the file again: only the socket arrives. */
static void from_outside(const char *peer)
{
	int p = unix_connect(peer);
	char data[8] = { 0 };

	checkpoint("before-outside");
	{
		struct iovec iov = { data, sizeof data };
		struct msghdr m = { 0 };
		struct cmsghdr *c;
		int got[4], n = 0;
		long r;

		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = cbuf;
		m.msg_controllen = CMSG_SPACE(4 * sizeof(int));
		r = recvmsg(p, &m, 0);
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
			for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int) && n < 4; i++)
				memcpy(&got[n++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
		printf("outside-recv %ld fds=%d ctrunc=%d\n", r, n, !!(m.msg_flags & MSG_CTRUNC));
		checkpoint("after-outside");
		memset(data, 0, sizeof data);
		if (n == 1) {
			r = recv(got[0], data, sizeof data, 0);
			printf("outside-socket-recv %ld %.5s\n", r, data);
			result("outside-socket-send", send(got[0], "bye", 3, 0));
			close(got[0]);
		}
	}
	/* A UDP socket whose sender asked for IP_ORIGDSTADDR, which the guest may
	 * not: its datagrams arrive, that control message does not. */
	{
		struct iovec iov = { data, sizeof data };
		struct msghdr m = { 0 };
		struct cmsghdr *c;
		int u = -1, n = 0;
		long r;

		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = cbuf;
		m.msg_controllen = CMSG_SPACE(sizeof(int));
		recvmsg(p, &m, 0);
		if ((c = CMSG_FIRSTHDR(&m)))
			memcpy(&u, CMSG_DATA(c), sizeof u);
		memset(data, 0, sizeof data);
		m.msg_controllen = sizeof cbuf;
		r = recvmsg(u, &m, 0);
		for (c = r >= 0 ? CMSG_FIRSTHDR(&m) : 0; c; c = CMSG_NXTHDR(&m, c))
			n++;
		printf("outside-udp-recv %ld %.5s cmsgs=%d ctrunc=%d\n", r, data, n, !!(m.msg_flags & MSG_CTRUNC));
		close(u);
	}
	close(p);
}

/* What no list names reaches no kernel: control messages a root host's
 * kernel would honour (SO_MARK, SO_PRIORITY, SCM_TXTIME) or that nothing
 * names, and MSG_* flags outside the send/receive lists, each beside its
 * listed twin. MSG_FASTOPEN is a connect: judged as one. */
static void unlisted(int a[2])
{
	int v = 1, u = socket(AF_INET, SOCK_DGRAM, 0), t;
	long long txtime = 0;
	struct sockaddr_in to = { 0 };

	to.sin_family = AF_INET;
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	to.sin_port = htons(9);
	result("cmsg-so-mark", sendmsg(a[0], with(SOL_SOCKET, SO_MARK, &v, sizeof v), 0));
	result("cmsg-so-priority", sendmsg(a[0], with(SOL_SOCKET, SO_PRIORITY, &v, sizeof v), 0));
	result("cmsg-sol-socket-unnamed", sendmsg(a[0], with(SOL_SOCKET, 1234, &v, sizeof v), 0));
	result("cmsg-tcp-level", sendmsg(a[0], with(IPPROTO_TCP, 1, &v, sizeof v), 0));
	/* The --dir preopen, the guest's first descriptor after stdio. */
	v = 3;
	result("rights-preopen", sendmsg(a[0], fds(&v, 1), 0));
	v = 1;
	result("cmsg-listed-unix", sendmsg(a[0], fds(&a[0], 1), 0));
	receive("cmsg-listed-unix-recv", a[1], 64);
	with(SOL_SOCKET, SO_MARK, &v, sizeof v)->msg_name = &to;
	msg.msg_namelen = sizeof to;
	result("cmsg-so-mark-udp", sendmsg(u, &msg, 0));
	with(SOL_SOCKET, SCM_TXTIME, &txtime, sizeof txtime)->msg_name = &to;
	msg.msg_namelen = sizeof to;
	result("cmsg-txtime-udp", sendmsg(u, &msg, 0));
	with(IPPROTO_IP, IP_TTL, &v, sizeof v)->msg_name = &to;
	msg.msg_namelen = sizeof to;
	result("cmsg-ttl-udp", sendmsg(u, &msg, 0));

	result("flag-zerocopy", sendmsg(a[0], fds(&a[0], 0), MSG_ZEROCOPY));
	result("flag-errqueue-send", sendmsg(a[0], fds(&a[0], 0), MSG_ERRQUEUE));
	result("flag-cloexec-send", sendmsg(a[0], fds(&a[0], 0), MSG_CMSG_CLOEXEC));
	result("flag-probe", sendmsg(a[0], fds(&a[0], 0), MSG_PROBE));
	result("flag-dontwait", sendmsg(a[0], fds(&a[0], 0), MSG_DONTWAIT));
	{
		char d[4];
		struct iovec iov = { d, sizeof d };
		struct msghdr m = { 0 };

		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		result("flag-waitforone-recv", recvmsg(a[1], &m, MSG_WAITFORONE));
		result("flag-cloexec-recv", recvmsg(a[1], &m, MSG_CMSG_CLOEXEC));
	}

	t = socket(AF_INET, SOCK_STREAM, 0);
	to.sin_port = htons(10);
	memset(&msg, 0, sizeof msg);
	msg.msg_iov = &iov1;
	msg.msg_iovlen = 1;
	msg.msg_name = &to;
	msg.msg_namelen = sizeof to;
	result("fastopen-refused", sendmsg(t, &msg, MSG_FASTOPEN));
	to.sin_port = htons(9);
	result("fastopen-granted", sendmsg(t, &msg, MSG_FASTOPEN));
	close(t);
	close(u);
}

/* The record inside the buffer the data lands in: the write-back is what
 * the host read before receiving, whatever the data wrote over it. */
static void overlapping(int a[2])
{
	static union { struct msghdr m; char b[64]; } area;
	static struct sockaddr_un name;
	static char cb[64];
	char junk[sizeof area.m];
	static struct iovec big[1024];
	struct iovec iov;
	int i;

	memset(junk, 0xff, sizeof junk);
	send(a[0], junk, sizeof junk, 0);
	iov.iov_base = area.b;
	iov.iov_len = sizeof area.m;
	area.m.msg_iov = &iov;
	area.m.msg_iovlen = 1;
	area.m.msg_name = &name;
	area.m.msg_namelen = sizeof name;
	area.m.msg_control = cb;
	area.m.msg_controllen = sizeof cb;
	printf("record-overwritten %ld namelen-sane=%d controllen=%u flags=%d\n", (long)recvmsg(a[1], &area.m, 0),
	       area.m.msg_namelen <= sizeof name, (unsigned)area.m.msg_controllen, area.m.msg_flags);
	/* 1024 iovecs over all of memory: each fits, their sum passes ssize_t. */
	if (MEM_END < (4u << 20))
		__builtin_wasm_memory_grow(0, ((4u << 20) - MEM_END) / 65536);
	for (i = 0; i < 1024; i++) {
		big[i].iov_base = 0;
		big[i].iov_len = MEM_END;
	}
	memset(&msg, 0, sizeof msg);
	msg.msg_iov = big;
	msg.msg_iovlen = 1024;
	result("iov-total-over-2G", sendmsg(a[0], &msg, 0));
	msg.msg_iovlen = 1;
	big[0].iov_len = 16;
	result("iov-null-base-in-memory", sendmsg(a[0], &msg, 0));
	receive("iov-null-base-in-memory-recv", a[1], 0);
}

/* A listening socket the host lent (--listen, descriptor `lent`): the guest
 * uses it, but neither it nor a copy of it may leave in SCM_RIGHTS, since it
 * may hold what the guest could not have bound; its own sockets may. */
static void lent_listener(const int a[2], int lent)
{
	int32_t copy = -1;

	/* The host's dup import, as a guest may call it (the SDK has no dup()). */
	printf("lent-dup %d\n", wsk_host_dup(lent, &copy));
	printf("lent-usable %d\n", listen(lent, 4) == 0);
	result("rights-lent", sendmsg(a[0], fds(&lent, 1), 0));
	result("rights-lent-dup", sendmsg(a[0], fds(&copy, 1), 0));
	result("rights-own-beside-lent", sendmsg(a[0], fds(&a[0], 1), 0));
	receive("rights-own-beside-lent-recv", a[1], 64);

	/* WASI's fd_renumber moves a descriptor to a number the guest picks:
	 * the lent listener under the number of a socket of its own is still
	 * lent; an own socket under a new number is still its own. */
	int moved = socket(AF_INET, SOCK_STREAM, 0);
	int own = socket(AF_INET, SOCK_STREAM, 0);
	int own_to = socket(AF_INET, SOCK_STREAM, 0);
	printf("renumber-lent %d\n", __wasi_fd_renumber(copy, moved));
	result("rights-lent-renumbered", sendmsg(a[0], fds(&moved, 1), 0));
	printf("renumber-own %d\n", __wasi_fd_renumber(own, own_to));
	result("rights-own-renumbered", sendmsg(a[0], fds(&own_to, 1), 0));
	receive("rights-own-renumbered-recv", a[1], 64);
	close(moved);
	close(own_to);
}

int main(int argc, char **argv)
{
	int a[2];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 4)
		return 2;
	ctl = unix_connect(argv[1]);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, a);
	descriptors(a, argv[3]);
	credentials(a);
	bounds(a);
	from_outside(argv[2]);
	unlisted(a);
	overlapping(a);
	if (argc > 4)
		lent_listener(a, atoi(argv[4]));
	printf("end\n");
	return 0;
}
