/*
 * getaddrinfo's service half (glibc 2.36, sysdeps/posix/getaddrinfo.c):
 * reading a numeric service string and expanding the requested socket type
 * and protocol into the triples each address is returned with.
 */
#include <wasock/core.h>
#include <wasock/netdb.h>
#include <wasock/resolv.h>

enum {
	PROTO_NOSERVICE = 1, /* a service makes no sense: EAI_SERVICE */
	PROTO_ANY = 2,	     /* any protocol number goes, and is kept */
};

struct typeproto {
	int socktype;
	int protocol;
	uint8_t protoflag;
	uint8_t by_default; /* returned when neither type nor proto is given */
};

/* glibc's gaih_inet_typeproto on Linux, in its order: the first match wins,
 * so (0, IPPROTO_SCTP) means SOCK_STREAM and (0, 99) means SOCK_RAW. */
static const struct typeproto table[] = {
	{ WSK_SOCK_STREAM, 6, 0, 1 },	/* tcp */
	{ WSK_SOCK_DGRAM, 17, 0, 1 },	/* udp */
	{ WSK_SOCK_DCCP, 33, 0, 0 },	/* dccp */
	{ WSK_SOCK_DGRAM, 136, 0, 0 },	/* udplite */
	{ WSK_SOCK_STREAM, 132, 0, 0 }, /* sctp */
	{ WSK_SOCK_SEQPACKET, 132, 0, 0 },
	{ WSK_SOCK_RAW, 0, PROTO_ANY | PROTO_NOSERVICE, 1 },
};

#define NTABLE (sizeof table / sizeof table[0])

/* The protocol names glibc passes to getservbyname_r, by table entry. */
static const char *const proto_names[] = { "tcp", "udp", "dccp", "udplite",
					   "sctp", "sctp", "" };

static int is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * strtoul(serv, &end, 10) with a 64-bit unsigned long, then the implicit
 * conversion to int glibc makes when it stores the result: blanks and one
 * sign may lead, '-' negates modulo 2^64, overflow gives ULONG_MAX. wasm32
 * has a 32-bit long, so this cannot be left to a libc.
 */
int wsk_gai_parse_port(const char *serv, int *num)
{
	const char *s = serv;
	uint64_t v = 0;
	int neg = 0, over = 0, digits = 0;

	while (is_space((unsigned char)*s))
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		uint64_t d = (uint64_t)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			over = 1;
		v = v * 10 + d;
	}
	/* No digits: strtoul sets end to serv itself, which is non-empty. */
	if (!digits || *s)
		return 0;
	if (over)
		v = UINT64_MAX;
	else if (neg)
		v = 0 - v;
	*num = (int)(int32_t)(uint32_t)v;
	return 1;
}

/* The first table entry the request matches, or -1. */
static int match(int socktype, int proto)
{
	unsigned i;

	for (i = 0; i < NTABLE; i++) {
		if (socktype != 0 && socktype != table[i].socktype)
			continue;
		if (proto != 0 && !(table[i].protoflag & PROTO_ANY) &&
		    proto != table[i].protocol)
			continue;
		return (int)i;
	}
	return -1;
}

/* The entry a given socktype/protocol asks for: its index, or the EAI code
 * for none (EAI_SOCKTYPE when a socktype was given). */
static int entry(int socktype, int proto)
{
	int at = match(socktype, proto);

	if (at < 0)
		return socktype ? WSK_EAI_SOCKTYPE : WSK_EAI_SERVICE;
	return at;
}

static void set(struct wsk_gai_serv *st, int socktype, int protocol,
		uint16_t port_be)
{
	st->socktype = socktype;
	st->protocol = protocol;
	st->port_be = port_be;
}

/* The one tuple of an asked-for entry: a PROTO_ANY entry keeps the
 * caller's protocol. */
static int set_entry(struct wsk_gai_serv *st, int at, int proto,
		     uint16_t port_be)
{
	set(st, table[at].socktype,
	    (table[at].protoflag & PROTO_ANY) ? proto : table[at].protocol,
	    port_be);
	return 1;
}

int wsk_gai_servtuples(int socktype, int proto, int has_service, int num,
		       struct wsk_gai_serv *st)
{
	int at = -1, n = 0;
	uint16_t port;
	unsigned i;

	if (socktype || proto) {
		at = entry(socktype, proto);
		if (at < 0)
			return at;
	}
	if (has_service && at >= 0 && (table[at].protoflag & PROTO_NOSERVICE))
		return WSK_EAI_SERVICE;
	/* A negative number is looked up as a name, like any other name. */
	if (has_service && num < 0)
		return WSK_GAI_LOOKUP;
	port = has_service ? wsk_htons((uint16_t)num) : 0;
	if (at >= 0)
		return set_entry(st, at, proto, port);
	for (i = 0; i < NTABLE; i++)
		if (table[i].by_default)
			set(&st[n++], table[i].socktype, table[i].protocol,
			    port);
	return n;
}

/* getservbyname_r(name, proto) over the core's /etc/services. */
static int service_port(const char *name, const char *proto, uint16_t *port_be)
{
	struct wsk_servent se;
	uint32_t len;
	const char *text = wsk_rfile(WSK_RFILE_SERVICES, &len);

	if (!wsk_services_byname(text, len, name, proto, &se))
		return 0;
	*port_be = wsk_htons((uint16_t)se.port);
	return 1;
}

/*
 * glibc's gaih_inet_serv path for a service name: the one matching table
 * entry must know the name for its protocol, or without type and protocol
 * every default entry that knows it is returned (EAI_SERVICE if none).
 */
int wsk_gai_servtuples_named(int socktype, int proto, const char *name,
			     struct wsk_gai_serv *st)
{
	uint16_t port;
	unsigned i;
	int n = 0;

	if (socktype || proto) {
		int at = entry(socktype, proto);

		if (at < 0)
			return at;
		if (table[at].protoflag & PROTO_NOSERVICE)
			return WSK_EAI_SERVICE;
		if (!service_port(name, proto_names[at], &port))
			return WSK_EAI_SERVICE;
		return set_entry(st, at, proto, port);
	}
	for (i = 0; i < NTABLE; i++) {
		if (!table[i].by_default || (table[i].protoflag & PROTO_NOSERVICE))
			continue;
		if (service_port(name, proto_names[i], &port))
			set(&st[n++], table[i].socktype, table[i].protocol, port);
	}
	return n ? n : WSK_EAI_SERVICE;
}
