/*
 * Differential test of the core's numeric getaddrinfo/getnameinfo against
 * glibc on this machine: grids of hosts x services x families x flag sets,
 * socket types x protocols, then random combinations; getnameinfo over
 * sockaddrs x lengths x buffer sizes x every flag value.
 *
 * Where the core answers WSK_GAI_LOOKUP (glibc would consult NSS, an
 * interface name or the interface list) glibc is not asked: that case is
 * the resolver's. It counts as a mismatch only for inputs marked numeric.
 * Prints "native netdb: N checks, M mismatches (D deferred)"; exits 1 on
 * any mismatch. Optional argv[1]: PRNG seed; argv[2]: random iterations.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <wasock/core.h>
#include <wasock/netdb.h>

/* ---- the host import the core uses here, over the real OS ---------------- */

int wsk_host_if_indextoname(uint32_t index, char *buf, uint32_t size)
{
	char name[IF_NAMESIZE];

	if (!if_indextoname(index, name))
		return errno;
	if (strlen(name) + 1 > size)
		return ENOSPC;
	strcpy(buf, name);
	return 0;
}

static unsigned long long checks, mismatches, deferred, answered;
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t seen;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static unsigned rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static void show(const char *s)
{
	if (!s) {
		fputs("NULL", stderr);
		return;
	}
	putc('"', stderr);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			putc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	putc('"', stderr);
}

/* glibc's __check_pf as AI_ADDRCONFIG sees it. */
static uint32_t measure_seen(void)
{
	struct ifaddrs *ifa, *p;
	uint32_t s = WSK_GAI_SEEN_KNOWN;

	if (getifaddrs(&ifa) != 0)
		return 0;
	for (p = ifa; p; p = p->ifa_next) {
		if (!p->ifa_addr)
			continue;
		if (p->ifa_addr->sa_family == AF_INET) {
			struct sockaddr_in *in = (void *)p->ifa_addr;

			if (in->sin_addr.s_addr != htonl(INADDR_LOOPBACK))
				s |= WSK_GAI_SEEN_V4;
		} else if (p->ifa_addr->sa_family == AF_INET6) {
			struct sockaddr_in6 *in6 = (void *)p->ifa_addr;

			if (!IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
				s |= WSK_GAI_SEEN_V6;
		}
	}
	freeifaddrs(ifa);
	return s;
}

/* ---- getaddrinfo ---------------------------------------------------------- */

struct input {
	const char *s;
	int numeric; /* the core must answer, never defer */
};

static const struct input hosts[] = {
	{ NULL, 1 },
	{ "*", 1 },
	{ "127.0.0.1", 1 },
	{ "127.1", 1 },
	{ "0x7f.1", 1 },
	{ "0177.0.0.1", 1 },
	{ "1.2.3", 1 },
	{ "4294967295", 1 },
	{ "0", 1 },
	{ "0x0", 1 },
	{ "00000000000000000000000000000000127.1", 1 },
	{ "255.255.255.255", 1 },
	{ "1.2.3.4", 1 },
	{ "::", 1 },
	{ "::1", 1 },
	{ "::ffff:1.2.3.4", 1 },
	{ "::ffff:127.0.0.1", 1 },
	{ "::1.2.3.4", 1 },
	{ "2001:db8::1", 1 },
	{ "FE80::1", 1 },
	{ "fe80::1%1", 1 },
	{ "fe80::1%99", 1 },
	{ "fe80::1%4294967295", 1 },
	{ "fe80::1%0", 1 },
	{ "fe80::1%0001", 1 },
	{ "ff02::1%1", 1 },
	{ "ff01::1%2", 1 },
	{ "ff05::1%2", 1 },
	{ "::1%1", 1 },
	{ "::1%4294967295", 1 },
	{ "::1%4294967296", 1 },
	{ "::1%x", 1 },
	{ "::1%", 1 },
	{ "::1%1x", 1 },
	{ "::1%%1", 1 },
	{ "2001:db8::1%lo", 1 },
	{ "::ffff:1.2.3.4%5", 1 },
	{ "fe80::1%lo", 0 },
	{ "fe80::1%", 0 },
	{ "fe80::1%nosuchif", 0 },
	{ "ff02::1%lo", 0 },
	{ "fe80::1%1x", 0 },
	/* Not numeric: the core defers unless AI_NUMERICHOST says no. */
	{ "127.0.0.1 ", 0 },
	{ " 127.0.0.1", 0 },
	{ "127.0.0.1\t", 0 },
	{ "1.2.3.4%1", 0 },
	{ "256.1.1.1.1", 0 },
	{ "4294967296", 0 },
	{ "08", 0 },
	{ "1.2.3.4.", 0 },
	{ "", 0 },
	{ "localhost", 0 },
	{ "::1 ", 0 },
	{ "[::1]", 0 },
	{ "0x", 0 },
	{ "\xc3\xa9", 0 },
};

static const struct input servs[] = {
	{ NULL, 1 },
	{ "*", 1 },
	{ "", 1 },
	{ "0", 1 },
	{ "80", 1 },
	{ "65535", 1 },
	{ "65536", 1 },
	{ "4294967376", 1 },
	{ "-4294967216", 1 },
	{ " 80", 1 },
	{ "\t\n+80", 1 },
	{ "+80", 1 },
	{ "0080", 1 },
	{ "2147483647", 1 },
	{ "2147483648", 0 }, /* (int) makes it negative: a name */
	{ "-1", 0 },
	{ "-80", 0 },
	{ "18446744073709551615", 0 },
	{ "18446744073709551616", 0 },
	{ "99999999999999999999999", 0 },
	{ "80 ", 0 },
	{ "0x50", 0 },
	{ "+", 0 },
	{ "-", 0 },
	{ " ", 0 },
	{ "http", 0 },
	{ "nosuchservice", 0 },
};

static const int families[] = { AF_UNSPEC, AF_INET, AF_INET6, AF_UNIX, 3,
				17, -1 };
static const int socktypes[] = { 0, 1, 2, 3, 4, 5, 6, 7, 10,
				 1 | SOCK_NONBLOCK, -1 };
static const int protos[] = { 0, 6, 17, 33, 132, 136, 1, 58, 99, 255, -1 };

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int same_answer(struct addrinfo *res, const struct wsk_gai_out *out,
		       int n)
{
	struct addrinfo *ai = res;
	int i;

	for (i = 0; i < n; i++, ai = ai->ai_next) {
		const struct wsk_gai_entry *e = &out->entries[i];
		const char *canon = i == 0 ? out->canonname : NULL;

		if (!ai || ai->ai_family != e->family ||
		    ai->ai_socktype != e->socktype ||
		    ai->ai_protocol != e->protocol ||
		    ai->ai_addrlen != e->addrlen ||
		    memcmp(ai->ai_addr, e->addr, e->addrlen))
			return 0;
		if (!ai->ai_canonname != !canon ||
		    (canon && strcmp(canon, ai->ai_canonname)))
			return 0;
	}
	return ai == NULL;
}

static void show_answer(struct addrinfo *res)
{
	for (; res; res = res->ai_next) {
		char text[64] = "?";
		const void *a = res->ai_family == AF_INET6
			? (void *)&((struct sockaddr_in6 *)res->ai_addr)->sin6_addr
			: (void *)&((struct sockaddr_in *)res->ai_addr)->sin_addr;

		inet_ntop(res->ai_family, a, text, sizeof text);
		fprintf(stderr, " [%d %d %d %s port %u]", res->ai_family,
			res->ai_socktype, res->ai_protocol, text,
			ntohs(((struct sockaddr_in *)res->ai_addr)->sin_port));
	}
}

static void show_core(const struct wsk_gai_out *out, int n)
{
	for (int i = 0; i < n; i++) {
		const struct wsk_gai_entry *e = &out->entries[i];
		char text[64] = "?";

		inet_ntop(e->family, e->addr + (e->family == AF_INET6 ? 8 : 4),
			  text, sizeof text);
		fprintf(stderr, " [%d %d %d %s port %u]", e->family,
			e->socktype, e->protocol, text,
			e->addr[2] << 8 | e->addr[3]);
	}
}

static void check_gai(const struct input *h, const struct input *s,
		      int family, int socktype, int proto, int flags)
{
	static struct wsk_gai_out out;
	struct addrinfo hints, *res = NULL;
	int q, r;

	out.seen = seen;
	q = wsk_getaddrinfo_numeric(h->s, s->s, family, socktype, proto, flags,
				    &out);
	checks++;
	if (q == WSK_GAI_LOOKUP) {
		deferred++;
		if (h->numeric && s->numeric && seen) {
			mismatches++;
			if (mismatches <= 30) {
				fprintf(stderr, "MISMATCH deferred numeric: ");
				show(h->s);
				fputc(' ', stderr);
				show(s->s);
				fprintf(stderr, " fam %d type %d proto %d flags %#x\n",
					family, socktype, proto, flags);
			}
		}
		return;
	}
	answered++;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = socktype;
	hints.ai_protocol = proto;
	hints.ai_flags = flags;
	r = getaddrinfo(h->s, s->s, &hints, &res);
	if (r == q && (r != 0 || q > 0))
		goto done;
	if (r == 0 && q > 0 && same_answer(res, &out, q))
		goto done;
	mismatches++;
	if (mismatches <= 30) {
		fprintf(stderr, "MISMATCH getaddrinfo(");
		show(h->s);
		fputc(' ', stderr);
		show(s->s);
		fprintf(stderr, " fam %d type %d proto %d flags %#x): glibc %d",
			family, socktype, proto, flags, r);
		if (r == 0)
			show_answer(res);
		fprintf(stderr, " core %d", q);
		if (q > 0)
			show_core(&out, q);
		fputc('\n', stderr);
	}
done:
	if (r == 0)
		freeaddrinfo(res);
}

/* Every flag combination glibc gives a meaning to, and some it rejects. */
static int flag_set(unsigned i)
{
	static const int bits[] = { AI_PASSIVE, AI_CANONNAME, AI_NUMERICHOST,
				    AI_V4MAPPED, AI_ALL, AI_ADDRCONFIG,
				    AI_NUMERICSERV };
	int f = 0;

	for (unsigned b = 0; b < NELEM(bits); b++)
		if (i & (1u << b))
			f |= bits[b];
	return f;
}

static const int odd_flags[] = { 0x40, 0x80, 0xc2, 0x100, 0x200, 0x300,
				 0x800, 0x1000, 0x7ff, 0xfff, -1, INT32_MIN };

static void gai_grid(void)
{
	static const struct input none = { NULL, 1 }, eighty = { "80", 1 };

	/* hosts x services x families x 128 flag sets, type/proto 0 */
	for (size_t h = 0; h < NELEM(hosts); h++)
		for (size_t s = 0; s < NELEM(servs); s++)
			for (size_t f = 0; f < NELEM(families); f++)
				for (unsigned i = 0; i < 128; i++)
					check_gai(&hosts[h], &servs[s],
						  families[f], 0, 0,
						  flag_set(i));
	/* the flags glibc rejects or treats specially */
	for (size_t h = 0; h < NELEM(hosts); h++)
		for (size_t o = 0; o < NELEM(odd_flags); o++)
			for (size_t f = 0; f < 3; f++) {
				check_gai(&hosts[h], &eighty, families[f], 0,
					  0, odd_flags[o]);
				check_gai(&hosts[h], &none, families[f], 0,
					  0, odd_flags[o]);
			}
	/* socket types x protocols x a few hosts, services and flags */
	static const size_t some_hosts[] = { 0, 2, 14, 15, 20 };
	static const size_t some_servs[] = { 0, 2, 3, 4, 6, 15, 25 };
	static const int some_flags[] = { 0, AI_PASSIVE, AI_CANONNAME,
					  AI_NUMERICSERV, AI_NUMERICHOST |
					  AI_NUMERICSERV | AI_CANONNAME };

	for (size_t t = 0; t < NELEM(socktypes); t++)
		for (size_t p = 0; p < NELEM(protos); p++)
			for (size_t h = 0; h < NELEM(some_hosts); h++)
				for (size_t s = 0; s < NELEM(some_servs); s++)
					for (size_t f = 0; f < 3; f++)
						for (size_t g = 0;
						     g < NELEM(some_flags); g++)
							check_gai(
								&hosts[some_hosts[h]],
								&servs[some_servs[s]],
								families[f],
								socktypes[t],
								protos[p],
								some_flags[g]);
}

static void gai_random(unsigned long iters)
{
	for (unsigned long i = 0; i < iters; i++) {
		int flags = rnd_below(8) ? flag_set(rnd_below(128))
					 : odd_flags[rnd_below(NELEM(odd_flags))];

		if (rnd_below(4) == 0)
			flags |= (AI_IDN | AI_CANONIDN) & (int)rnd();
		check_gai(&hosts[rnd_below(NELEM(hosts))],
			  &servs[rnd_below(NELEM(servs))],
			  families[rnd_below(NELEM(families))],
			  socktypes[rnd_below(NELEM(socktypes))],
			  protos[rnd_below(NELEM(protos))], flags);
	}
}

/* ---- getnameinfo ----------------------------------------------------------- */

struct sa_case {
	unsigned char sa[128];
	socklen_t len;
};

static struct sa_case sas[64];
static size_t nsas;

static void add_in(const char *addr, uint16_t port)
{
	struct sockaddr_in in = { .sin_family = AF_INET,
				  .sin_port = htons(port) };

	inet_pton(AF_INET, addr, &in.sin_addr);
	memset(sas[nsas].sa, 0, sizeof sas[nsas].sa);
	memcpy(sas[nsas].sa, &in, sizeof in);
	sas[nsas++].len = sizeof in;
}

static void add_in6(const char *addr, uint16_t port, uint32_t scope)
{
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6,
				    .sin6_port = htons(port),
				    .sin6_flowinfo = htonl(0x12345),
				    .sin6_scope_id = scope };

	inet_pton(AF_INET6, addr, &in6.sin6_addr);
	memset(sas[nsas].sa, 0, sizeof sas[nsas].sa);
	memcpy(sas[nsas].sa, &in6, sizeof in6);
	sas[nsas++].len = sizeof in6;
}

static void add_un(const char *path, socklen_t len)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };

	memcpy(un.sun_path, path, strlen(path));
	memset(sas[nsas].sa, 0, sizeof sas[nsas].sa);
	memcpy(sas[nsas].sa, &un, sizeof un);
	sas[nsas++].len = len;
}

static void add_family(int family, socklen_t len)
{
	memset(sas[nsas].sa, 0, sizeof sas[nsas].sa);
	memcpy(sas[nsas].sa, &(sa_family_t){ (sa_family_t)family }, 2);
	sas[nsas++].len = len;
}

static void make_sas(void)
{
	unsigned lo = if_nametoindex("lo"), eth0 = if_nametoindex("eth0");

	add_in("127.0.0.1", 80);
	add_in("0.0.0.0", 0);
	add_in("255.255.255.255", 65535);
	add_in("1.2.3.4", 8080);
	add_in6("::1", 80, 0);
	add_in6("::", 0, 0);
	add_in6("::ffff:1.2.3.4", 443, 0);
	add_in6("::1.2.3.4", 1, 0);
	add_in6("2001:db8::1", 80, 0);
	add_in6("2001:db8::1", 80, 7);
	add_in6("::1", 80, 1);
	add_in6("fe80::1", 80, 0);
	add_in6("fe80::1", 80, lo);
	add_in6("fe80::1", 80, eth0 ? eth0 : 2);
	add_in6("fe80::1", 80, 99);
	add_in6("fe80::1", 80, 0xffffffffu);
	add_in6("febf:ffff::1", 80, 1);
	add_in6("fec0::1", 80, 1);
	add_in6("ff02::1", 80, lo);
	add_in6("ff01::1", 80, lo);
	add_in6("ff12::1", 80, lo);
	add_in6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535, 0xffffffffu);
	add_un("/tmp/sock", sizeof(struct sockaddr_un));
	add_un("/tmp/sock", 2 + 9);
	add_un("/tmp/sock", 2 + 4);
	add_un("", 2);
	add_family(AF_UNSPEC, 16);
	add_family(3, 16);
	add_family(AF_PACKET, 20);
}

static void check_gni(const struct sa_case *c, socklen_t salen, int host_null,
		      socklen_t hostlen, int serv_null, socklen_t servlen,
		      int flags)
{
	char hg[1100], hc[1100], sg[64], sc[64];
	int q, r;

	memset(hg, 'Z', sizeof hg);
	memset(hc, 'Z', sizeof hc);
	memset(sg, 'Z', sizeof sg);
	memset(sc, 'Z', sizeof sc);
	q = wsk_getnameinfo(c->sa, salen, host_null ? NULL : hc, hostlen,
			    serv_null ? NULL : sc, servlen, flags);
	checks++;
	if (q == WSK_GAI_LOOKUP) {
		deferred++;
		/* Only a name, a service name or uname need the lookup. */
		if ((flags & NI_NUMERICHOST) && (flags & NI_NUMERICSERV)) {
			mismatches++;
			if (mismatches <= 30)
				fprintf(stderr, "MISMATCH getnameinfo deferred "
						"numeric flags %#x\n", flags);
		}
		return;
	}
	answered++;
	r = getnameinfo((struct sockaddr *)c->sa, salen,
			host_null ? NULL : hg, hostlen,
			serv_null ? NULL : sg, servlen, flags);
	int same = r == q;

	if (same && r == 0 && !host_null && hostlen)
		same = strcmp(hg, hc) == 0;
	if (same && r == 0 && !serv_null && servlen)
		same = strcmp(sg, sc) == 0;
	if (same)
		return;
	mismatches++;
	if (mismatches <= 30) {
		fprintf(stderr,
			"MISMATCH getnameinfo(family %u salen %u host%s %u "
			"serv%s %u flags %#x): glibc %d ",
			c->sa[0] | c->sa[1] << 8, salen, host_null ? "=NULL" : "",
			hostlen, serv_null ? "=NULL" : "", servlen, flags, r);
		if (r == 0) {
			show(hostlen && !host_null ? hg : NULL);
			show(servlen && !serv_null ? sg : NULL);
		}
		fprintf(stderr, " core %d ", q);
		if (q == 0) {
			show(hostlen && !host_null ? hc : NULL);
			show(servlen && !serv_null ? sc : NULL);
		}
		fputc('\n', stderr);
	}
}

static void gni_grid(void)
{
	static const socklen_t hostlens[] = { 0, 1, 2, 9, 10, 11, 15, 16, 40,
					      46, 47, 1025 };
	static const socklen_t servlens[] = { 0, 1, 2, 3, 4, 5, 6, 10, 32 };

	make_sas();
	for (size_t i = 0; i < nsas; i++) {
		const struct sa_case *c = &sas[i];
		socklen_t lens[] = { c->len, c->len - 1, c->len + 1, 0, 1, 2,
				     128 };

		for (int flags = -1; flags < 512; flags++)
			check_gni(c, c->len, 0, 1025, 0, 32, flags);
		for (size_t l = 0; l < NELEM(lens); l++)
			for (int flags = 0; flags < 32; flags++) {
				check_gni(c, lens[l], 0, 1025, 0, 32, flags);
				check_gni(c, lens[l], 1, 1025, 1, 32, flags);
				check_gni(c, lens[l], 1, 0, 0, 32, flags);
			}
		for (size_t h = 0; h < NELEM(hostlens); h++)
			for (size_t s = 0; s < NELEM(servlens); s++)
				for (int flags = 0; flags < 32; flags++)
					check_gni(c, c->len, flags & 4,
						  hostlens[h], flags & 16,
						  servlens[s], flags | 3);
	}
	check_gni(&sas[0], 16, 1, 0, 1, 0, NI_NAMEREQD | 3);
}

int main(int argc, char **argv)
{
	unsigned long iters = 200000;

	if (argc > 1)
		rng_state = strtoull(argv[1], NULL, 0) | 1;
	if (argc > 2)
		iters = strtoul(argv[2], NULL, 0);
	seen = measure_seen();
	gai_grid();
	gai_random(iters);
	/* Without the interface list AI_ADDRCONFIG must defer. */
	seen = 0;
	for (unsigned i = 0; i < 128; i++)
		check_gai(&hosts[2], &servs[4], AF_UNSPEC, 0, 0, flag_set(i));
	gni_grid();
	printf("native netdb: %llu checks, %llu mismatches (%llu deferred, "
	       "%llu compared)\n",
	       checks, mismatches, deferred, answered);
	return mismatches ? 1 : 0;
}
