/*
 * The stub resolver: A and AAAA (or PTR) for one name, over the core's own
 * host sockets, as a state machine. wsk_dns_step never blocks: it does
 * what it can and returns WSK_DNS_WANT with q->pfd/q->pevents/q->deadline_ns
 * saying what it waits for. wsk_dns_run drives it with the host's poll:
 * the sync API in the caller's thread, the Promise API in its name-lookup
 * worker thread (ts-bindings/src/lib/name-worker.ts), so both run this one
 * resolver. Guests never run it: their host resolves for them (the
 * lookup_name import). Written as steps rather than a blocking loop so that
 * one poll serves the parallel A and AAAA queries, the per-try deadlines
 * and the switch to TCP alike.
 *
 * Behaviour (glibc's res_send/res_search where it has one): the search
 * list and ndots decide the names; for each, every server in turn (rotate
 * starts at the next one), `attempts` rounds, glibc's per-try timeout
 * (timeout << round, divided by the server count after the first round).
 * Queries of a round go out together on one UDP socket bound to a random
 * port, each with a random id; a reply counts only if it comes from the
 * server's address and port and carries the id and question asked
 * (anything else is ignored: anti-spoofing). TC switches that server to
 * TCP. SERVFAIL/REFUSED or a malformed reply moves to the next server.
 * Outcome: 0, or EAI_NONAME (NXDOMAIN), EAI_NODATA (no such record),
 * EAI_AGAIN (timed out), EAI_FAIL (only failures).
 *
 * Sockets come from the host's resolver_socket import (for a sandboxed
 * guest: a socket that may reach only the nameservers). A connect or send
 * the host refuses with EACCES/EPERM is a refusal of that query (a guest's
 * policy denies the name), not a server failure: that name is taken as
 * NXDOMAIN at once, without trying the other servers.
 */
#include <wasock/core.h>
#include <wasock/linux.h>
#include <wasock/netdb.h>
#include <wasock/resolv.h>
#include <wasock/sockaddr.h>

enum { ST_IDLE, ST_UDP_WAIT, ST_TCP_CONNECT, ST_TCP_SEND, ST_TCP_RECV, ST_DONE };

#define NS_PER_SEC 1000000000
#define NS_PER_MS 1000000

/* q->rcode of a query with no answer yet (the WSK_DNS_* codes are >= 0). */
#define R_NONE (-1)

/* open_socket's outcome: only a refusal differs from any other failure. */
enum { OPEN_OK, OPEN_FAILED, OPEN_REFUSED };

static int refused(int err)
{
	return err == WSK_EACCES || err == WSK_EPERM;
}

static uint32_t rotation;

static uint16_t random16(void)
{
	uint16_t v = 0;

	wsk_host_random(&v, sizeof v);
	return v;
}

static int64_t now_ns(void)
{
	uint64_t t = 0;

	wsk_host_clock_ns(&t);
	return (int64_t)t;
}

static uint32_t server_sa(const struct wsk_nameserver *ns, uint16_t port,
			  void *out)
{
	if (ns->family == WSK_AF_INET)
		return wsk_sockaddr_in_bytes(ns->addr, wsk_htons(port), out);
	return wsk_sockaddr_in6_bytes(ns->addr, wsk_htons(port), 0, ns->scope_id,
				      out);
}

static const struct wsk_nameserver *server(const struct wsk_dns_query *q)
{
	return &q->rc.ns[(q->server_i + (q->rc.rotate ? rotation : 0)) %
			 q->rc.nns];
}

static void close_fd(struct wsk_dns_query *q)
{
	if (q->fd >= 0)
		wsk_host_close(q->fd);
	q->fd = -1;
}

static int finish(struct wsk_dns_query *q, int result)
{
	close_fd(q);
	q->result = result;
	q->state = ST_DONE;
	return WSK_DNS_DONE;
}

static int want(struct wsk_dns_query *q, int state, int events)
{
	q->state = state;
	q->pfd = q->fd;
	q->pevents = (int16_t)events;
	return WSK_DNS_WANT;
}

/* glibc's per-try timeout, in ns. */
static int64_t try_timeout(const struct wsk_dns_query *q)
{
	int64_t s = (int64_t)q->rc.timeout << q->attempt;

	if (q->attempt > 0)
		s /= q->rc.nns;
	if (s <= 0)
		s = 1;
	return s * NS_PER_SEC;
}

/* The source ports bind_random picks from: every unprivileged one, so a
 * forged reply has 64512 ports to guess besides the query id. */
#define PORT_FIRST 1024
#define PORT_COUNT (65536 - PORT_FIRST)
/* Ports tried before the kernel picks one: a port in use is EADDRINUSE
 * and the next random one is almost surely free. */
#define PORT_TRIES 8
/* A random source port (the host's randomness), else the kernel's. */
static void bind_random(int fd, int family)
{
	uint8_t sa[WSK_SOCKADDR_MAX];
	struct wsk_nameserver any;
	uint32_t len;
	int i;

	wsk_memset(&any, 0, sizeof any);
	any.family = family;
	for (i = 0; i < PORT_TRIES; i++) {
		len = server_sa(&any,
				(uint16_t)(PORT_FIRST + random16() % PORT_COUNT),
				sa);
		if (wsk_host_bind(fd, sa, len) != WSK_EADDRINUSE)
			return;
	}
}

static int build_queries(struct wsk_dns_query *q)
{
	uint32_t i;
	int n;

	for (i = 0; i < q->nq; i++) {
		q->ids[i] = random16();
		n = wsk_dns_mkquery(q->names[q->name_i], q->qtypes[i], q->ids[i],
				    q->qbuf[i] + 2, WSK_DNS_UDP_MAX);
		if (n < 0)
			return -1;
		q->qlen[i] = (uint32_t)n;
		q->qbuf[i][0] = (uint8_t)(n >> 8);
		q->qbuf[i][1] = (uint8_t)n;
		q->got[i] = 0;
		q->rcode[i] = R_NONE;
	}
	return 0;
}

static int next_try(struct wsk_dns_query *q);
static int next_name(struct wsk_dns_query *q);

/* Opens a socket to the current server; TCP when tcp is set. Returns
 * OPEN_OK, OPEN_REFUSED (the host's policy refused the connect: the name is
 * denied) or OPEN_FAILED (this server is out). */
static int open_socket(struct wsk_dns_query *q, int tcp)
{
	const struct wsk_nameserver *ns = server(q);
	uint8_t sa[WSK_SOCKADDR_MAX];
	uint32_t len = server_sa(ns, ns->port, sa);
	int32_t fd = -1;
	int err;

	err = wsk_host_resolver_socket(ns->family, (tcp ? WSK_SOCK_STREAM : WSK_SOCK_DGRAM) |
						 WSK_SOCK_NONBLOCK, &fd);
	if (err)
		return OPEN_FAILED;
	q->fd = fd;
	if (!tcp)
		bind_random(fd, ns->family);
	err = wsk_host_connect(fd, sa, len);
	if (err && !(tcp && err == WSK_EINPROGRESS))
		return refused(err) ? OPEN_REFUSED : OPEN_FAILED;
	return OPEN_OK;
}

/* The host refused this name's query: as NXDOMAIN for this name. */
static int name_refused(struct wsk_dns_query *q)
{
	close_fd(q);
	return next_name(q);
}

static int start_udp(struct wsk_dns_query *q)
{
	uint32_t i, n;
	int err;

	q->tcp = q->rc.use_vc;
	if (build_queries(q) < 0)
		return next_name(q);
	q->deadline_ns = now_ns() + try_timeout(q);
	if (q->tcp) {
		err = open_socket(q, 1);
		if (err != OPEN_OK)
			return err == OPEN_REFUSED ? name_refused(q) : next_try(q);
		q->tcp_qi = 0;
		return want(q, ST_TCP_CONNECT, WSK_POLLOUT);
	}
	err = open_socket(q, 0);
	if (err != OPEN_OK)
		return err == OPEN_REFUSED ? name_refused(q) : next_try(q);
	/* The first query's ICMP port unreachable can surface as the second
	 * send's ECONNREFUSED (and then never on recv): a failed send puts
	 * this server out at once, as glibc's send_dg does. */
	for (i = 0; i < q->nq; i++) {
		err = wsk_host_sendto(q->fd, q->qbuf[i] + 2, q->qlen[i], 0, 0,
				      0, &n);
		if (refused(err))
			return name_refused(q);
		if (err && err != WSK_EAGAIN && err != WSK_EINTR)
			return next_try(q);
	}
	return want(q, ST_UDP_WAIT, WSK_POLLIN);
}

/* The round is over when every query has an answer. */
static int all_answered(const struct wsk_dns_query *q)
{
	uint32_t i;

	for (i = 0; i < q->nq; i++)
		if (!q->got[i])
			return 0;
	return 1;
}

static int round_done(struct wsk_dns_query *q)
{
	uint32_t i;
	int any_ok = 0, all_nx = 1;

	close_fd(q);
	for (i = 0; i < q->nq; i++) {
		if (q->rcode[i] == WSK_DNS_SERVFAIL || q->rcode[i] == WSK_DNS_BAD) {
			q->saw_fail = 1;
			q->name_fail = 1;
			return next_try(q);
		}
		any_ok |= q->rcode[i] == WSK_DNS_OK;
		all_nx &= q->rcode[i] == WSK_DNS_NXDOMAIN;
	}
	if (any_ok)
		return finish(q, 0);
	if (!all_nx)
		q->saw_nodata = 1;
	return next_name(q);
}

/* One reply: which query it answers, if any. */
static void take_reply(struct wsk_dns_query *q, uint32_t len)
{
	uint32_t i;
	int r;

	for (i = 0; i < q->nq; i++) {
		if (q->got[i])
			continue;
		r = wsk_dns_parse(q->rbuf, len, q->ids[i], q->names[q->name_i],
				  q->qtypes[i], &q->ans[i]);
		if (r == WSK_DNS_MISMATCH)
			continue;
		if (r == WSK_DNS_TRUNC && !q->tcp) {
			q->tcp = 1;
			return;
		}
		q->got[i] = 1;
		q->rcode[i] = (int16_t)r;
		return;
	}
}

static int same_source(const struct wsk_dns_query *q, const uint8_t *sa,
		       uint32_t salen)
{
	uint8_t want_sa[WSK_SOCKADDR_MAX];
	uint32_t n = server_sa(server(q), server(q)->port, want_sa);

	/* family, port, address; not sin6_flowinfo or the scope. */
	if (salen < n)
		return 0;
	if (wsk_memcmp(sa, want_sa, 4) != 0)
		return 0;
	return n == 16 ? wsk_memcmp(sa + 4, want_sa + 4, 4) == 0
		       : wsk_memcmp(sa + 8, want_sa + 8, 16) == 0;
}

static int switch_to_tcp(struct wsk_dns_query *q)
{
	uint32_t i;
	int err;

	close_fd(q);
	for (i = 0; i < q->nq; i++)
		q->got[i] = 0;
	err = open_socket(q, 1);
	if (err != OPEN_OK)
		return err == OPEN_REFUSED ? name_refused(q) : next_try(q);
	q->tcp_qi = 0;
	return want(q, ST_TCP_CONNECT, WSK_POLLOUT);
}

static int udp_readable(struct wsk_dns_query *q)
{
	uint8_t sa[WSK_SOCKADDR_MAX];
	wsk_socklen salen;
	uint32_t n;
	int err;

	for (;;) {
		salen = sizeof sa;
		n = 0;
		err = wsk_host_recvfrom(q->fd, q->rbuf, WSK_DNS_MSG_MAX, 0, sa,
					&salen, &n);
		if (err == WSK_EINTR)
			continue;
		if (err == WSK_EAGAIN)
			break;
		if (err) /* ICMP unreachable and the like: this server is out */
			return next_try(q);
		if (!same_source(q, sa, salen))
			continue;
		take_reply(q, n);
		if (q->tcp)
			return switch_to_tcp(q);
		if (all_answered(q))
			return round_done(q);
	}
	return want(q, ST_UDP_WAIT, WSK_POLLIN);
}

static int tcp_connected(struct wsk_dns_query *q)
{
	int32_t soerr = 0;
	wsk_socklen len = sizeof soerr;

	if (wsk_host_getsockopt(q->fd, WSK_SOL_SOCKET, WSK_SO_ERROR, &soerr,
				&len) || soerr)
		return next_try(q);
	q->io_off = 0;
	return want(q, ST_TCP_SEND, WSK_POLLOUT);
}

static int tcp_send(struct wsk_dns_query *q)
{
	uint32_t total = q->qlen[q->tcp_qi] + 2, n = 0;
	int err;

	err = wsk_host_sendto(q->fd, q->qbuf[q->tcp_qi] + q->io_off,
			      total - q->io_off, 0, 0, 0, &n);
	if (refused(err))
		return name_refused(q);
	if (err && err != WSK_EAGAIN && err != WSK_EINTR)
		return next_try(q);
	q->io_off += n;
	if (q->io_off < total)
		return want(q, ST_TCP_SEND, WSK_POLLOUT);
	q->io_off = 0;
	q->io_len = 2;
	return want(q, ST_TCP_RECV, WSK_POLLIN);
}

/* Reads the 2-byte length, then the message; io_len is what is awaited. */
static int tcp_recv(struct wsk_dns_query *q)
{
	uint32_t n = 0, mlen;
	int err;

	err = wsk_host_recvfrom(q->fd, q->rbuf + q->io_off, q->io_len - q->io_off,
				0, 0, 0, &n);
	if (err == WSK_EAGAIN || err == WSK_EINTR)
		return want(q, ST_TCP_RECV, WSK_POLLIN);
	if (err || n == 0)
		return next_try(q);
	q->io_off += n;
	if (q->io_off < q->io_len)
		return want(q, ST_TCP_RECV, WSK_POLLIN);
	if (q->io_len == 2) {
		mlen = (uint32_t)q->rbuf[0] << 8 | q->rbuf[1];
		if (mlen == 0)
			return next_try(q);
		q->io_len = 2 + mlen;
		return want(q, ST_TCP_RECV, WSK_POLLIN);
	}
	wsk_memcpy(q->rbuf, q->rbuf + 2, q->io_len - 2);
	take_reply(q, q->io_len - 2);
	if (!q->got[q->tcp_qi]) {
		/* Not the answer: over TCP that is a broken server. */
		q->got[q->tcp_qi] = 1;
		q->rcode[q->tcp_qi] = WSK_DNS_BAD;
	}
	if (++q->tcp_qi < q->nq) {
		q->io_off = 0;
		return want(q, ST_TCP_SEND, WSK_POLLOUT);
	}
	return round_done(q);
}

/* The current server gave nothing usable: the next server, or round. */
static int next_try(struct wsk_dns_query *q)
{
	close_fd(q);
	if (++q->server_i >= q->rc.nns) {
		q->server_i = 0;
		if (++q->attempt >= q->rc.attempts) {
			/* Every server timed out: glibc stops the search. */
			if (!q->name_fail)
				return finish(q, WSK_EAI_AGAIN);
			q->name_fail = 0;
			return next_name(q);
		}
	}
	return start_udp(q);
}

static int start_name(struct wsk_dns_query *q)
{
	q->server_i = 0;
	q->attempt = 0;
	q->name_fail = 0;
	return start_udp(q);
}

static int next_name(struct wsk_dns_query *q)
{
	close_fd(q);
	if (++q->name_i < q->nnames)
		return start_name(q);
	if (q->saw_nodata)
		return finish(q, WSK_EAI_NODATA);
	if (q->saw_fail)
		return finish(q, WSK_EAI_FAIL);
	return finish(q, WSK_EAI_NONAME);
}

int wsk_dns_step(struct wsk_dns_query *q, int revents)
{
	if (q->state == ST_DONE)
		return WSK_DNS_DONE;
	if (revents == 0) {
		if (now_ns() < q->deadline_ns)
			return WSK_DNS_WANT;
		return next_try(q);
	}
	switch (q->state) {
	case ST_UDP_WAIT:
		return udp_readable(q);
	case ST_TCP_CONNECT:
		return tcp_connected(q);
	case ST_TCP_SEND:
		return tcp_send(q);
	case ST_TCP_RECV:
		return tcp_recv(q);
	default:
		return finish(q, WSK_EAI_FAIL);
	}
}

static uint32_t count_dots(const char *s)
{
	uint32_t n = 0;

	for (; *s; s++)
		n += *s == '.';
	return n;
}

static void add_name(char (*names)[WSK_DNAME_MAX], uint32_t *n,
		     const char *a, const char *b)
{
	uint32_t la = (uint32_t)wsk_strlen(a), lb = b ? (uint32_t)wsk_strlen(b) : 0;
	char *d;

	if (*n >= WSK_DNS_NAMES || la + 1 + lb + 1 > WSK_DNAME_MAX)
		return;
	d = names[(*n)++];
	wsk_memcpy(d, a, la);
	if (b) {
		d[la] = '.';
		wsk_memcpy(d + la + 1, b, lb);
		la += 1 + lb;
	}
	d[la] = 0;
}

/* res_search's order: as is first when it has ndots dots (or a final
 * dot, then only as is), then name.domain for each search domain, then as
 * is if not tried yet. */
uint32_t wsk_dns_search_names(const struct wsk_resconf *rc, const char *name,
			      char (*names)[WSK_DNAME_MAX])
{
	uint32_t dots = count_dots(name), len = (uint32_t)wsk_strlen(name), i;
	uint32_t n = 0;
	int asis_first = dots >= rc->ndots;

	if (len && name[len - 1] == '.') {
		add_name(names, &n, name, 0);
		return n;
	}
	if (asis_first)
		add_name(names, &n, name, 0);
	for (i = 0; i < rc->nsearch; i++)
		add_name(names, &n, name, rc->search[i]);
	if (!asis_first)
		add_name(names, &n, name, 0);
	return n;
}

int wsk_dns_start(struct wsk_dns_query *q, const struct wsk_resconf *rc,
		  const char *name, const int *qtypes, uint32_t nq)
{
	uint32_t i;

	q->rc = *rc;
	q->nq = nq > WSK_DNS_QTYPES ? WSK_DNS_QTYPES : nq;
	for (i = 0; i < q->nq; i++)
		q->qtypes[i] = qtypes[i];
	q->fd = -1;
	q->name_i = 0;
	q->saw_nodata = q->saw_fail = 0;
	q->result = WSK_EAI_FAIL;
	if (qtypes[0] == WSK_DNS_PTR) {
		q->nnames = 0;
		add_name(q->names, &q->nnames, name, 0);
	} else {
		q->nnames = wsk_dns_search_names(&q->rc, name, q->names);
	}
	if (q->rc.rotate)
		rotation++;
	if (q->nnames == 0)
		return finish(q, WSK_EAI_NONAME);
	return start_name(q);
}

void wsk_dns_cancel(struct wsk_dns_query *q)
{
	close_fd(q);
	q->state = ST_DONE;
}

int wsk_dns_run(struct wsk_dns_query *q)
{
	struct wsk_pollfd p;
	uint32_t n;
	int r = q->state == ST_DONE ? WSK_DNS_DONE : WSK_DNS_WANT;
	int64_t left;
	int ms, err;

	while (r == WSK_DNS_WANT) {
		left = q->deadline_ns - now_ns();
		ms = left <= 0 ? 0 : (int)((left + NS_PER_MS - 1) / NS_PER_MS);
		p.fd = q->pfd;
		p.events = q->pevents;
		p.revents = 0;
		n = 0;
		err = wsk_host_poll(&p, 1, ms, &n);
		if (err == WSK_EINTR)
			continue;
		if (err)
			return finish(q, WSK_EAI_SYSTEM);
		r = wsk_dns_step(q, n ? (p.revents ? p.revents : p.events) : 0);
	}
	return q->result;
}
