/*
 * sendmsg/recvmsg with control messages, as a program does them: a socket
 * passed over a socketpair with SCM_RIGHTS and used, SO_PASSCRED
 * credentials, IP_PKTINFO/IP_RECVTTL/IP_RECVTOS on a UDP loopback socket
 * (with IP_TTL and IP_TOS sent as control messages), scatter/gather, and
 * the errors Linux gives malformed messages. Built with `wasock cc` and
 * natively (glibc): both print the same lines (tests/guest-msg.test.mjs).
 * emscripten's libc has no socketpair or setsockopt (ENOSYS without a host
 * call): built with emcc, the UDP sends and scatter/gather match.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char *ename(int e)
{
	switch (e) {
	case 0: return "OK";
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	case EMSGSIZE: return "EMSGSIZE";
	case EPERM: return "EPERM";
	case EFAULT: return "EFAULT";
	case EAGAIN: return "EAGAIN";
	case ENOPROTOOPT: return "ENOPROTOOPT";
	case ENOSYS: return "ENOSYS";
	default: return "other";
	}
}

static void result(const char *what, long r)
{
	printf("%s %ld %s\n", what, r < 0 ? -1L : r, r < 0 ? ename(errno) : "OK");
}

/* One message of data and one control message (none when cdata is NULL). */
static long send_with(int fd, const void *data, size_t len, int level, int type,
		      const void *cdata, size_t clen)
{
	union { struct cmsghdr h; char buf[CMSG_SPACE(256 * sizeof(int))]; } u;
	struct iovec iov = { (void *)data, len };
	struct msghdr m = { 0 };
	struct cmsghdr *c;

	memset(&u, 0, sizeof u);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	if (cdata) {
		m.msg_control = u.buf;
		m.msg_controllen = CMSG_SPACE(clen);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = level;
		c->cmsg_type = type;
		c->cmsg_len = CMSG_LEN(clen);
		memcpy(CMSG_DATA(c), cdata, clen);
	}
	return sendmsg(fd, &m, 0);
}

/* One datagram of data on s (to sa when not NULL) with two int control
 * messages of level: types t1 and t2, values v1 and v2. */
static long send_two(int s, const void *sa, socklen_t salen, const char *data, int level, int t1, int v1,
		     int t2, int v2)
{
	union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int)) * 2]; } u;
	struct iovec out = { (void *)data, strlen(data) };
	struct msghdr m = { 0 };
	struct cmsghdr *c;
	int t[2] = { t1, t2 }, v[2] = { v1, v2 };

	memset(&u, 0, sizeof u);
	m.msg_name = (void *)sa;
	m.msg_namelen = sa ? salen : 0;
	m.msg_iov = &out;
	m.msg_iovlen = 1;
	m.msg_control = u.b;
	m.msg_controllen = sizeof u.b;
	c = CMSG_FIRSTHDR(&m);
	for (int i = 0; i < 2; i++, c = CMSG_NXTHDR(&m, c)) {
		c->cmsg_level = level;
		c->cmsg_type = t[i];
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &v[i], sizeof(int));
	}
	return sendmsg(s, &m, 0);
}

static void rights(void)
{
	int a[2], b[2], got = -1, n = 0;
	char data[8] = { 0 }, cbuf[CMSG_SPACE(4 * sizeof(int))];
	struct iovec iov = { data, sizeof data };
	struct msghdr m = { 0 };
	struct cmsghdr *c;
	long r;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, a) < 0 || socketpair(AF_UNIX, SOCK_DGRAM, 0, b) < 0) {
		result("socketpair", -1);
		return;
	}
	result("rights-send", send_with(a[0], "fd", 2, SOL_SOCKET, SCM_RIGHTS, &b[1], sizeof(int)));
	close(b[1]);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = cbuf;
	m.msg_controllen = sizeof cbuf;
	r = recvmsg(a[1], &m, 0);
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			memcpy(&got, CMSG_DATA(c), sizeof got);
		}
	}
	/* The lowest free number, as the kernel numbers: the one just closed. */
	printf("rights-recv %ld %.2s n=%d ctrunc=%d controllen-space=%d lowest=%d\n", r, data, n,
	       !!(m.msg_flags & MSG_CTRUNC), m.msg_controllen == CMSG_SPACE(sizeof(int)), got == b[1]);
	/* The received end is the one closed above: usable, and the same socket. */
	result("rights-use-send", send(b[0], "ping", 4, 0));
	memset(data, 0, sizeof data);
	printf("rights-use-recv %ld %.4s\n", (long)recv(got, data, sizeof data, 0), data);
	close(got);

	/* A receiver with no control buffer: the descriptor is closed by the kernel. */
	socketpair(AF_UNIX, SOCK_DGRAM, 0, b);
	send_with(a[0], "fd", 2, SOL_SOCKET, SCM_RIGHTS, &b[1], sizeof(int));
	memset(&m, 0, sizeof m);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	r = recvmsg(a[1], &m, 0);
	printf("rights-nocontrol %ld ctrunc=%d controllen=%d\n", r, !!(m.msg_flags & MSG_CTRUNC), (int)m.msg_controllen);

	/* A descriptor that is not open; too many. */
	{
		int bad = 1000, many[254];
		for (int i = 0; i < 254; i++)
			many[i] = b[0];
		result("rights-closed-fd", send_with(a[0], "x", 1, SOL_SOCKET, SCM_RIGHTS, &bad, sizeof bad));
		result("rights-254", send_with(a[0], "x", 1, SOL_SOCKET, SCM_RIGHTS, many, sizeof many));
	}
	close(b[0]);
	close(b[1]);
	close(a[0]);
	close(a[1]);
}

static void passcred(void)
{
	int s[2], on = 1;
	char data[4], cbuf[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = { data, sizeof data };
	struct msghdr m = { 0 };
	struct cmsghdr *c;
	struct ucred cr = { 0, 0, 0 };
	long r;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, s) < 0) {
		result("socketpair", -1);
		return;
	}
	result("passcred-set", setsockopt(s[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
	send(s[0], "cr", 2, 0);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = cbuf;
	m.msg_controllen = sizeof cbuf;
	r = recvmsg(s[1], &m, 0);
	c = CMSG_FIRSTHDR(&m);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS)
		memcpy(&cr, CMSG_DATA(c), sizeof cr);
	printf("passcred %ld len-ok=%d uid=%u gid=%u pid>0=%d ctrunc=%d\n", r, c && c->cmsg_len == CMSG_LEN(sizeof cr),
	       (unsigned)cr.uid, (unsigned)cr.gid, cr.pid > 0, !!(m.msg_flags & MSG_CTRUNC));
	close(s[0]);
	close(s[1]);
}

static void udp_info(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0), on = 1, ttl = 7, tos = 0x10;
	struct sockaddr_in sa = { 0 }, from = { 0 };
	socklen_t salen = sizeof sa;
	char data[8] = { 0 }, cbuf[256];
	struct iovec iov = { data, sizeof data };
	struct msghdr m = { 0 };
	struct cmsghdr *c;
	long r;

	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(s, (struct sockaddr *)&sa, sizeof sa);
	getsockname(s, (struct sockaddr *)&sa, &salen);
	connect(s, (struct sockaddr *)&sa, sizeof sa);
	setsockopt(s, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
	setsockopt(s, IPPROTO_IP, IP_RECVTTL, &on, sizeof on);
	setsockopt(s, IPPROTO_IP, IP_RECVTOS, &on, sizeof on);

	/* IP_TTL and IP_TOS as control messages of one datagram to itself. */
	result("udp-send-ttl-tos", send_two(s, &sa, sizeof sa, "hi", IPPROTO_IP, IP_TTL, ttl, IP_TOS, tos));
	m.msg_name = &from;
	m.msg_namelen = sizeof from;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = cbuf;
	m.msg_controllen = sizeof cbuf;
	r = recvmsg(s, &m, 0);
	printf("udp-recv %ld %.2s namelen=%d from-port-ok=%d\n", r, data, (int)m.msg_namelen,
	       from.sin_port == sa.sin_port);
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != IPPROTO_IP)
			continue;
		if (c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			char dst[16], addr[16];

			memcpy(&pi, CMSG_DATA(c), sizeof pi);
			inet_ntop(AF_INET, &pi.ipi_spec_dst, dst, sizeof dst);
			inet_ntop(AF_INET, &pi.ipi_addr, addr, sizeof addr);
			printf("udp-pktinfo len-ok=%d ifindex>0=%d dst=%s addr=%s\n", c->cmsg_len == CMSG_LEN(sizeof pi),
			       pi.ipi_ifindex > 0, dst, addr);
		} else if (c->cmsg_type == IP_TTL) {
			int v;
			memcpy(&v, CMSG_DATA(c), sizeof v);
			printf("udp-ttl len-ok=%d %d\n", c->cmsg_len == CMSG_LEN(sizeof v), v);
		} else if (c->cmsg_type == IP_TOS) {
			printf("udp-tos len-ok=%d 0x%02x\n", c->cmsg_len == CMSG_LEN(1), *(unsigned char *)CMSG_DATA(c));
		}
	}
	printf("udp-flags ctrunc=%d\n", !!(m.msg_flags & MSG_CTRUNC));

	/* A control buffer too small for what arrived: dropped, MSG_CTRUNC. */
	sendto(s, "hi", 2, 0, (struct sockaddr *)&sa, sizeof sa);
	m.msg_controllen = 8;
	r = recvmsg(s, &m, 0);
	printf("udp-small-control %ld ctrunc=%d controllen=%d\n", r, !!(m.msg_flags & MSG_CTRUNC), (int)m.msg_controllen);

	/* Unknown control messages, lying lengths. */
	{
		int v = 1;
		union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } u;
		struct iovec out = { "x", 1 };
		struct msghdr sm = { 0 };

		result("udp-unknown-cmsg", send_with(s, "x", 1, SOL_SOCKET, 99, &v, sizeof v));
		memset(&u, 0, sizeof u);
		sm.msg_name = &sa;
		sm.msg_namelen = sizeof sa;
		sm.msg_iov = &out;
		sm.msg_iovlen = 1;
		sm.msg_control = u.b;
		sm.msg_controllen = sizeof u.b;
		c = CMSG_FIRSTHDR(&sm);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_TTL;
		memcpy(CMSG_DATA(c), &ttl, sizeof ttl);
		c->cmsg_len = sizeof u.b + 4;
		result("cmsg-len-over", sendmsg(s, &sm, 0));
		c->cmsg_len = sizeof(struct cmsghdr) - 1;
		result("cmsg-len-under", sendmsg(s, &sm, 0));
		c->cmsg_len = CMSG_LEN(sizeof(int));
		result("cmsg-len-right", sendmsg(s, &sm, 0));
	}
	close(s);
}

/* A UDP socket on the loopback, connected to itself. */
static int udp_self(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = { 0 };
	socklen_t salen = sizeof sa;

	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(s, (struct sockaddr *)&sa, sizeof sa);
	getsockname(s, (struct sockaddr *)&sa, &salen);
	connect(s, (struct sockaddr *)&sa, sizeof sa);
	return s;
}

static void scatter(void)
{
	int s[2];
	char a[3] = { 0 }, b[2] = { 0 }, c[8] = { 0 };
	struct iovec out[3] = { { "abc", 3 }, { "de", 2 }, { "fghij", 5 } };
	struct iovec in[3] = { { a, 3 }, { b, 2 }, { c, 3 } };
	struct msghdr m = { 0 };
	long r;

	s[0] = s[1] = udp_self();
	m.msg_iov = out;
	m.msg_iovlen = 3;
	result("gather-send", sendmsg(s[0], &m, 0));
	m.msg_iov = in;
	r = recvmsg(s[1], &m, 0);
	printf("scatter-recv %ld %.3s|%.2s|%.3s trunc=%d\n", r, a, b, c, !!(m.msg_flags & MSG_TRUNC));
	m.msg_iovlen = 1025;
	result("iovlen-1025", sendmsg(s[0], &m, 0));
	result("iovlen-1025-recv", recvmsg(s[1], &m, MSG_DONTWAIT));
	m.msg_iovlen = 3;
	result("nothing-queued", recvmsg(s[1], &m, MSG_DONTWAIT));
	close(s[0]);
}

/* The first control message of one datagram on s; its data in out. */
static long recv_cmsg(int s, int flags, char *data, size_t len, struct cmsghdr *out, void *cdata, size_t clen)
{
	char cbuf[256];
	struct iovec iov = { data, len };
	struct msghdr m = { 0 };
	struct cmsghdr *c;
	long r;

	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = cbuf;
	m.msg_controllen = sizeof cbuf;
	r = recvmsg(s, &m, flags);
	memset(out, 0, sizeof *out);
	c = r >= 0 ? CMSG_FIRSTHDR(&m) : 0;
	if (c) {
		*out = *c;
		memcpy(cdata, CMSG_DATA(c), c->cmsg_len - CMSG_LEN(0) < clen ? c->cmsg_len - CMSG_LEN(0) : clen);
	}
	return r;
}

/* SO_TIMESTAMP's struct timeval and SO_TIMESTAMPNS's struct timespec: the
 * same layout (seconds, then micro- or nanoseconds) in both ABIs. */
static void timestamps(void)
{
	static const struct { const char *what; int opt; long unit; } k[] = {
		{ "timestamp", SO_TIMESTAMP, 1000000 }, { "timestampns", SO_TIMESTAMPNS, 1000000000 },
	};
	for (int i = 0; i < 2; i++) {
		int s = udp_self(), on = 1;
		struct cmsghdr c;
		struct timespec t = { 0 };
		char data[4];
		long r;

		setsockopt(s, SOL_SOCKET, k[i].opt, &on, sizeof on);
		send(s, "t", 1, 0);
		r = recv_cmsg(s, 0, data, sizeof data, &c, &t, sizeof t);
		printf("%s %ld type-ok=%d len-ok=%d sane=%d\n", k[i].what, r, c.cmsg_type == k[i].opt,
		       c.cmsg_len == CMSG_LEN(sizeof t), t.tv_sec > 1600000000 && t.tv_nsec >= 0 && t.tv_nsec < k[i].unit);
		close(s);
	}
}

/* An ICMP port unreachable on the error queue (IP_RECVERR, MSG_ERRQUEUE). */
static void errqueue(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0), closed = socket(AF_INET, SOCK_DGRAM, 0), on = 1;
	struct sockaddr_in sa = { 0 };
	socklen_t salen = sizeof sa;
	struct cmsghdr c;
	/* struct sock_extended_err: u32 errno; u8 origin, type, code, pad; u32 info, data. */
	struct { unsigned ee_errno; unsigned char origin, type, code, pad; unsigned info, data; } ee = { 0 };
	char data[4];
	long r;

	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(closed, (struct sockaddr *)&sa, sizeof sa);
	getsockname(closed, (struct sockaddr *)&sa, &salen);
	close(closed);
	setsockopt(s, IPPROTO_IP, IP_RECVERR, &on, sizeof on);
	connect(s, (struct sockaddr *)&sa, sizeof sa);
	send(s, "e", 1, 0);
	for (int i = 0; i < 100; i++) {
		r = recv_cmsg(s, MSG_ERRQUEUE | MSG_DONTWAIT, data, sizeof data, &c, &ee, sizeof ee);
		if (r >= 0 || errno != EAGAIN)
			break;
		usleep(10000);
	}
	printf("errqueue %ld level-ok=%d type-ok=%d errno=%u origin=%u type=%u code=%u\n", r, c.cmsg_level == IPPROTO_IP,
	       c.cmsg_type == IP_RECVERR, ee.ee_errno, ee.origin, ee.type, ee.code);
	close(s);
}

/* IPv6: the hop limit and traffic class sent per message, received with the packet info. */
static void udp6(void)
{
	int s = socket(AF_INET6, SOCK_DGRAM, 0), on = 1, hops = 9, tclass = 0x20, n = 0;
	struct sockaddr_in6 sa = { 0 };
	socklen_t salen = sizeof sa;
	char cbuf[256], data[4];
	struct iovec iov;
	struct msghdr m = { 0 };
	struct cmsghdr *c;
	long r;

	sa.sin6_family = AF_INET6;
	sa.sin6_addr = in6addr_loopback;
	if (bind(s, (struct sockaddr *)&sa, sizeof sa) < 0) {
		printf("udp6 no-ipv6\n");
		close(s);
		return;
	}
	getsockname(s, (struct sockaddr *)&sa, &salen);
	connect(s, (struct sockaddr *)&sa, sizeof sa);
	setsockopt(s, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
	setsockopt(s, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on);
	setsockopt(s, IPPROTO_IPV6, IPV6_RECVTCLASS, &on, sizeof on);
	result("udp6-send-hops-tclass", send_two(s, 0, 0, "6", IPPROTO_IPV6, IPV6_HOPLIMIT, hops, IPV6_TCLASS, tclass));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	iov.iov_base = data;
	iov.iov_len = sizeof data;
	m.msg_control = cbuf;
	m.msg_controllen = sizeof cbuf;
	r = recvmsg(s, &m, 0);
	printf("udp6-recv %ld ctrunc=%d\n", r, !!(m.msg_flags & MSG_CTRUNC));
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		int v;
		n++;
		if (c->cmsg_level != IPPROTO_IPV6)
			continue;
		if (c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			char addr[64];
			memcpy(&pi, CMSG_DATA(c), sizeof pi);
			inet_ntop(AF_INET6, &pi.ipi6_addr, addr, sizeof addr);
			printf("udp6-pktinfo len-ok=%d addr=%s ifindex>0=%d\n", c->cmsg_len == CMSG_LEN(sizeof pi), addr,
			       pi.ipi6_ifindex > 0);
		} else if (c->cmsg_type == IPV6_HOPLIMIT || c->cmsg_type == IPV6_TCLASS) {
			memcpy(&v, CMSG_DATA(c), sizeof v);
			printf("udp6-%s len-ok=%d %d\n", c->cmsg_type == IPV6_HOPLIMIT ? "hoplimit" : "tclass",
			       c->cmsg_len == CMSG_LEN(sizeof v), v);
		}
	}
	printf("udp6-cmsgs %d\n", n);
	close(s);
}

/* UDP_SEGMENT per message: one send, datagrams of 4 bytes. */
static void gso(void)
{
	int s = udp_self();
	uint16_t seg = 4;
	char a[8] = { 0 }, b[8] = { 0 };
	long r1, r2;

	result("udp-segment-send", send_with(s, "abcdefgh", 8, IPPROTO_UDP, 103 /* UDP_SEGMENT */, &seg, sizeof seg));
	r1 = recv(s, a, sizeof a, MSG_DONTWAIT);
	r2 = recv(s, b, sizeof b, MSG_DONTWAIT);
	printf("udp-segment-recv %ld %.4s %ld %.4s\n", r1, a, r2, b);
	close(s);
}

/* Blocking as recv(2): SO_RCVTIMEO waits, then EAGAIN; O_NONBLOCK is EAGAIN at once. */
static void blocking(void)
{
	int s = udp_self();
	char data[4];
	struct iovec iov = { data, sizeof data };
	struct msghdr m = { 0 };
	struct timeval tv = { 0, 100000 };
	struct timespec t0, t1;
	long r, ms;

	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	if (setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) {
		/* Without the timeout this would wait forever. */
		result("rcvtimeo-set", -1);
		close(s);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = recvmsg(s, &m, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	printf("rcvtimeo-recvmsg %ld %s waited>=90ms=%d\n", r, r < 0 ? ename(errno) : "OK", ms >= 90);
	fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
	result("nonblock-recvmsg", recvmsg(s, &m, 0));
	close(s);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	rights();
	passcred();
	udp_info();
	scatter();
	timestamps();
	errqueue();
	udp6();
	gso();
	blocking();
	return 0;
}
