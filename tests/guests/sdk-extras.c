/* Test guest for the SDK's select/pselect, ioctl, <net/if.h> and
 * <ifaddrs.h> (tests/guest-sdk.test.mjs). A TCP pair on 127.0.0.1 made by
 * the guest itself; one line per check, "NAME VALUE...", errno by name. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *ename(int e)
{
	static char b[16];

	switch (e) {
	case EAGAIN: return "EAGAIN";
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case ENOSYS: return "ENOSYS";
	case ENXIO: return "ENXIO";
	case ENODEV: return "ENODEV";
	default: snprintf(b, sizeof b, "E%d", e); return b;
	}
}

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* A connected pair: *c the client, *s the accepted end. */
static int pair(int *c, int *s)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;
	int l = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (l < 0 || bind(l, (void *)&a, sizeof a) || listen(l, 1) ||
	    getsockname(l, (void *)&a, &len))
		return -1;
	*c = socket(AF_INET, SOCK_STREAM, 0);
	if (*c < 0 || connect(*c, (void *)&a, sizeof a))
		return -1;
	*s = accept(l, 0, 0);
	close(l);
	return *s < 0 ? -1 : 0;
}

static void selects(int c, int s)
{
	fd_set r, w, e;
	struct timeval tv = { 0, 0 };
	struct timespec ts = { 0, 100 * 1000000 };
	long long t0;
	int n, d;

	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(c, &r);
	FD_SET(c, &w);
	n = select(c + 1, &r, &w, 0, &tv);
	printf("select-idle %d r=%d w=%d\n", n, FD_ISSET(c, &r), FD_ISSET(c, &w));

	FD_ZERO(&r);
	FD_SET(c, &r);
	tv.tv_sec = 0;
	tv.tv_usec = 150000;
	t0 = ms_now();
	n = select(c + 1, &r, 0, 0, &tv);
	printf("select-timeout %d ms=%lld left=%lld.%06ld\n", n, ms_now() - t0,
	       (long long)tv.tv_sec, (long)tv.tv_usec);

	send(s, "hello", 5, 0);
	FD_ZERO(&r);
	FD_SET(c, &r);
	tv.tv_sec = 5;
	tv.tv_usec = 0;
	n = select(c + 1, &r, 0, 0, &tv);
	printf("select-readable %d r=%d left<5s=%d\n", n, FD_ISSET(c, &r),
	       tv.tv_sec < 5 || (tv.tv_sec == 5 && tv.tv_usec == 0) ? 1 : 0);

	/* nfds below the descriptor: it is not looked at. */
	FD_ZERO(&r);
	FD_SET(c, &r);
	tv.tv_sec = 0;
	tv.tv_usec = 0;
	n = select(c, &r, 0, 0, &tv);
	printf("select-nfds-low %d r=%d\n", n, FD_ISSET(c, &r));

	FD_ZERO(&r);
	FD_SET(c, &r);
	FD_ZERO(&e);
	t0 = ms_now();
	n = pselect(c + 1, 0, 0, &e, &ts, 0);
	printf("pselect-timeout %d ms=%lld ts=%lld.%09ld\n", n, ms_now() - t0,
	       (long long)ts.tv_sec, ts.tv_nsec);
	n = pselect(c + 1, &r, 0, 0, &ts, 0);
	printf("pselect-readable %d r=%d\n", n, FD_ISSET(c, &r));

	n = select(-1, 0, 0, 0, &tv);
	printf("select-nfds-neg %d %s\n", n, ename(errno));
	tv.tv_sec = 0;
	tv.tv_usec = -1;
	n = select(1, 0, 0, 0, &tv);
	printf("select-usec-neg %d %s\n", n, ename(errno));
	ts.tv_nsec = 1000000000;
	n = pselect(1, 0, 0, 0, &ts, 0);
	printf("pselect-nsec-big %d %s\n", n, ename(errno));
	/* A number that is not open. A guest's descriptors are only its own,
	 * so 99 is free there. Natively it must also lie inside the process's
	 * descriptor table: Linux clamps nfds to the table's size and never
	 * looks at a higher number, so select() answers 0 instead of EBADF
	 * when nothing above 63 happens to be open. The lowest free number
	 * (dup, then close the copy) is inside the table. (Guests do not close
	 * here: the test's trusted host leaves close() of a socket to
	 * node:wasi.) */
	d = 99;
#ifndef __wasi__
	d = dup(c);
	close(d);
#endif
	FD_ZERO(&r);
	FD_SET(d, &r);
	tv.tv_sec = 0;
	tv.tv_usec = 0;
	n = select(d + 1, &r, 0, 0, &tv);
	printf("select-closed %d %s\n", n, ename(errno));
}

static void ioctls(int c, int s)
{
	int v = -1, on, n, big = 1 << 16;
	char buf[4096];
	fd_set e;
	struct timeval tv = { 5, 0 };

	n = ioctl(c, FIONREAD, &v);
	printf("fionread %d %d %s\n", n, v, n ? ename(errno) : "OK");
	recv(c, buf, sizeof buf, 0);

	on = 1;
	n = ioctl(c, FIONBIO, &on);
	printf("fionbio-on %d %s\n", n, n ? ename(errno) : "OK");
	n = recv(c, buf, sizeof buf, 0);
	printf("recv-nonblock %d %s\n", n, n < 0 ? ename(errno) : "data");
	on = 0;
	ioctl(c, FIONBIO, &on);

	/* Fill the peer's window: what cannot leave stays in c's send queue. */
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	on = 1;
	ioctl(c, FIONBIO, &on);
	memset(buf, 'x', sizeof buf);
	while (send(c, buf, sizeof buf, 0) > 0)
		;
	v = -1;
	n = ioctl(c, SIOCOUTQ, &v);
	printf("siocoutq %d %s\n", n, n ? ename(errno) : v > 0 ? "positive" : "zero");
	on = 0;
	ioctl(c, FIONBIO, &on);

	/* Urgent data: before the mark, then at it. */
	send(s, "ab", 2, 0);
	send(s, "!", 1, MSG_OOB);
	FD_ZERO(&e);
	FD_SET(c, &e);
	n = select(c + 1, 0, 0, &e, &tv);
	printf("select-except %d e=%d\n", n, FD_ISSET(c, &e));
	v = -1;
	n = ioctl(c, SIOCATMARK, &v);
	printf("siocatmark-before %d %d %s\n", n, v, n ? ename(errno) : "OK");
	recv(c, buf, 2, 0);
	v = -1;
	n = ioctl(c, SIOCATMARK, &v);
	printf("siocatmark-after %d %d %s\n", n, v, n ? ename(errno) : "OK");
	n = sockatmark(c);
	printf("sockatmark %d %s\n", n, n < 0 ? ename(errno) : "OK");

	n = ioctl(c, 0x8927 /* SIOCGIFHWADDR */, buf);
	printf("ioctl-unlisted %d %s\n", n, ename(errno));
	n = ioctl(1, SIOCATMARK, &v);
	printf("siocatmark-stdout %d %s\n", n, n < 0 ? ename(errno) : "OK");
}

static void interfaces(void)
{
	char name[IF_NAMESIZE];
	struct if_nameindex *ni, *p;
	struct ifaddrs *ifa, *q;

	unsigned index;
	const char *got;

	printf("nametoindex lo %u\n", if_nametoindex("lo"));
	index = if_nametoindex("no-such-if0");
	printf("nametoindex none %u %s\n", index, ename(errno));
	printf("indextoname 1 %s\n", if_indextoname(1, name) ? name : "NULL");
	got = if_indextoname(999999, name);
	printf("indextoname big %s %s\n", got ? got : "NULL", ename(errno));
	ni = if_nameindex();
	for (p = ni; p && p->if_index; p++)
		printf("ifni %u %s\n", p->if_index, p->if_name);
	if_freenameindex(ni);

	if (getifaddrs(&ifa) < 0) {
		printf("getifaddrs -1 %s\n", ename(errno));
		return;
	}
	for (q = ifa; q; q = q->ifa_next) {
		char a[INET6_ADDRSTRLEN], m[INET6_ADDRSTRLEN] = "-", u[INET6_ADDRSTRLEN] = "-";
		int fam = q->ifa_addr ? q->ifa_addr->sa_family : AF_UNSPEC;
		const void *ap = fam == AF_INET ? (void *)&((struct sockaddr_in *)q->ifa_addr)->sin_addr
			: (void *)&((struct sockaddr_in6 *)q->ifa_addr)->sin6_addr;
		const void *mp = fam == AF_INET ? (void *)&((struct sockaddr_in *)q->ifa_netmask)->sin_addr
			: (void *)&((struct sockaddr_in6 *)q->ifa_netmask)->sin6_addr;

		if (fam != AF_INET && fam != AF_INET6)
			continue; /* glibc's AF_PACKET entries: the SDK has none */
		inet_ntop(fam, ap, a, sizeof a);
		inet_ntop(fam, mp, m, sizeof m);
		if (q->ifa_broadaddr)
			inet_ntop(fam, fam == AF_INET
				  ? (void *)&((struct sockaddr_in *)q->ifa_broadaddr)->sin_addr
				  : (void *)&((struct sockaddr_in6 *)q->ifa_broadaddr)->sin6_addr, u, sizeof u);
		printf("ifa %s %s %s %s %#x %s %u\n", q->ifa_name, fam == AF_INET ? "inet" : "inet6",
		       a, m, q->ifa_flags, u,
		       fam == AF_INET6 ? ((struct sockaddr_in6 *)q->ifa_addr)->sin6_scope_id : 0);
	}
	freeifaddrs(ifa);
}

int main(void)
{
	int c, s;

	setvbuf(stdout, 0, _IOLBF, 0);
	if (pair(&c, &s)) {
		printf("pair failed %s\n", ename(errno));
		return 1;
	}
	selects(c, s);
	ioctls(c, s);
	interfaces();
	close(c);
	close(s);
	return 0;
}
