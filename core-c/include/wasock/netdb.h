/*
 * Name-to-address translation: glibc 2.36's getaddrinfo and getnameinfo,
 * flag for flag, with the core's own resolver behind them (the hosts file
 * and DNS per nsswitch.conf, /etc/services, the interface list and routing
 * through the host imports). wsk_getaddrinfo and wsk_getnameinfo_full are
 * what the library and guests call; the only answer they leave to another
 * resolver is WSK_GAI_LOOKUP for AI_IDN with a non-ASCII name (IDNA is
 * libidn2's job in glibc).
 *
 * wsk_getaddrinfo_numeric and wsk_getnameinfo stop wherever glibc would
 * consult NSS, an interface name or the interface list, and answer
 * WSK_GAI_LOOKUP there: the same checks in the same order with no file or
 * network read, which is what the native differential test compares with
 * glibc's own numeric paths.
 */
#ifndef WASOCK_NETDB_H
#define WASOCK_NETDB_H

#include <stdint.h>
#include <wasock/resolv.h>

/* Linux/glibc values (negative EAI codes, as glibc returns them). */
enum {
	WSK_EAI_BADFLAGS = -1,
	WSK_EAI_NONAME = -2,
	WSK_EAI_AGAIN = -3,
	WSK_EAI_FAIL = -4,
	WSK_EAI_NODATA = -5,
	WSK_EAI_FAMILY = -6,
	WSK_EAI_SOCKTYPE = -7,
	WSK_EAI_SERVICE = -8,
	WSK_EAI_ADDRFAMILY = -9,
	WSK_EAI_MEMORY = -10,
	WSK_EAI_SYSTEM = -11,
	WSK_EAI_OVERFLOW = -12,
};

/* Not an EAI code: the answer depends on a lookup the core cannot make.
 * Below every EAI code glibc defines (its lowest is EAI_IDN_ENCODE, -105). */
#define WSK_GAI_LOOKUP (-1001)

enum {
	WSK_AI_PASSIVE = 0x0001,
	WSK_AI_CANONNAME = 0x0002,
	WSK_AI_NUMERICHOST = 0x0004,
	WSK_AI_V4MAPPED = 0x0008,
	WSK_AI_ALL = 0x0010,
	WSK_AI_ADDRCONFIG = 0x0020,
	WSK_AI_IDN = 0x0040,
	WSK_AI_CANONIDN = 0x0080,
	/* 0x0100 and 0x0200: glibc's deprecated IDN flags, still accepted. */
	WSK_AI_NUMERICSERV = 0x0400,
};

enum {
	WSK_NI_NUMERICHOST = 1,
	WSK_NI_NUMERICSERV = 2,
	WSK_NI_NOFQDN = 4,
	WSK_NI_NAMEREQD = 8,
	WSK_NI_DGRAM = 16,
	/* 32 NI_IDN, 64 and 128 its deprecated companions: accepted. */
};

enum {
	WSK_SOCK_STREAM = 1,
	WSK_SOCK_DGRAM = 2,
	WSK_SOCK_RAW = 3,
	WSK_SOCK_SEQPACKET = 5,
	WSK_SOCK_DCCP = 6,
};

/* What AI_ADDRCONFIG needs to know (glibc's __check_pf): whether an IPv4
 * address other than 127.0.0.1, or an IPv6 one other than ::1, is
 * configured. Without WSK_GAI_SEEN_KNOWN, AI_ADDRCONFIG answers
 * WSK_GAI_LOOKUP. */
enum {
	WSK_GAI_SEEN_V4 = 1,
	WSK_GAI_SEEN_V6 = 2,
	WSK_GAI_SEEN_KNOWN = 4,
};

/* At most this many socket type / protocol / port triples per address:
 * stream, dgram, raw (glibc's gaih_inet_typeproto rows for a request). */
#define WSK_GAI_SERV_MAX 3
/*
 * Room for every answer, so none is ever cut short: an answer pairs at most
 * WSK_HOST_ADDRS addresses (what one host entry holds, the bound the hosts
 * file and DNS lookups already keep; a numeric host or none gives at most 2)
 * with at most WSK_GAI_SERV_MAX triples.
 */
#define WSK_GAI_MAX (WSK_HOST_ADDRS * WSK_GAI_SERV_MAX)
/* sizeof (struct sockaddr_in6): the largest address getaddrinfo returns. */
#define WSK_GAI_ADDRMAX 28

/* One addrinfo; wasm32 layout: 44 bytes, fields at 0, 4, 8, 12, 16. */
struct wsk_gai_entry {
	int32_t family;
	int32_t socktype;
	int32_t protocol;
	uint32_t addrlen;
	uint8_t addr[WSK_GAI_ADDRMAX];
};

/*
 * The whole answer. wasm32 layout: seen at 0, count at 4, canonname at 8,
 * entries from 12. canonname (NUL-terminated, NULL if none) belongs to
 * entries[0] only, as in glibc; for a numeric host it points at the host
 * string the caller passed.
 */
struct wsk_gai_out {
	uint32_t seen; /* in: WSK_GAI_SEEN_* */
	uint32_t count;
	const char *canonname;
	struct wsk_gai_entry entries[WSK_GAI_MAX];
};

/*
 * getaddrinfo(host, serv, {family, socktype, proto, flags}) as far as it
 * needs no lookup. host/serv NULL stand for None. Returns the number of
 * entries written to out (>= 1), a negative EAI_* code, or WSK_GAI_LOOKUP.
 */
int wsk_getaddrinfo_numeric(const char *host, const char *serv, int family,
			    int socktype, int proto, int flags,
			    struct wsk_gai_out *out);

/* The static answer area the TypeScript library passes as `out`. */
struct wsk_gai_out *wsk_gai_out(void);

/*
 * getnameinfo as far as it needs no lookup. Returns 0 with host and serv
 * written (either
 * may be NULL or 0 bytes long, as in glibc), a negative EAI_* code, or
 * WSK_GAI_LOOKUP when the answer needs a reverse lookup, a service name or
 * the host name.
 */
int wsk_getnameinfo(const void *sa, uint32_t salen, char *host,
		    uint32_t hostlen, char *serv, uint32_t servlen, int flags);

/* ---- internal (gai_service.c) ------------------------------------------- */

/* A socket type / protocol / port triple (glibc's gaih_servtuple). */
struct wsk_gai_serv {
	int socktype;
	int protocol;
	uint16_t port_be;
};

/*
 * glibc's service string parse: strtoul(s, &end, 10) on a 64-bit unsigned
 * long, truncated to int. Returns 1 and sets *num when the whole string was
 * read, 0 when it holds something else (a service name). A negative *num
 * also makes glibc look the string up as a name.
 */
int wsk_gai_parse_port(const char *serv, int *num);

/*
 * glibc's get_servtuples: the socket type / protocol / port triples for the
 * request. has_service 0: no service (port 0); else num is the parsed
 * string (htons keeps its low 16 bits), a name when negative. Returns
 * the number of triples, WSK_EAI_SOCKTYPE or WSK_EAI_SERVICE, or
 * WSK_GAI_LOOKUP where glibc would call getservbyname.
 */
int wsk_gai_servtuples(int socktype, int proto, int has_service, int num,
		       struct wsk_gai_serv *st);
/* The same for a service name, from the core's /etc/services. */
int wsk_gai_servtuples_named(int socktype, int proto, const char *name,
			     struct wsk_gai_serv *st);

/*
 * The full getaddrinfo: names through the core's resolver (hosts file,
 * DNS), service names through its /etc/services, results sorted as glibc
 * sorts them. Returns as wsk_getaddrinfo_numeric; WSK_GAI_LOOKUP remains
 * only for AI_IDN with non-ASCII names.
 */
int wsk_getaddrinfo(const char *host, const char *serv, int family,
		    int socktype, int proto, int flags, struct wsk_gai_out *out);
/* wsk_getaddrinfo with its name lookups made by `lookup`. */
int wsk_getaddrinfo_by(const char *host, const char *serv, int family,
		       int socktype, int proto, int flags,
		       struct wsk_gai_out *out, wsk_name_lookup lookup);
/*
 * The same without the network: what wsk_getaddrinfo answers when the
 * sources before DNS (the hosts file, as nsswitch.conf orders them) decide
 * it, else WSK_GAI_LOOKUP (lookups by wsk_lookup_name_local). What an event
 * loop can answer on its own thread before it hands a lookup to a worker.
 */
int wsk_getaddrinfo_local(const char *host, const char *serv, int family,
			  int socktype, int proto, int flags,
			  struct wsk_gai_out *out);
/* getnameinfo with reverse lookups and service names. */
int wsk_getnameinfo_full(const void *sa, uint32_t salen, char *host,
			 uint32_t hostlen, char *serv, uint32_t servlen,
			 int flags);

/* ---- the rest of the netdb family (netdb_names.c) ------------------------ */

/* The static answers the functions below fill. */
struct wsk_hostent *wsk_hostent_out(void);
struct wsk_servent *wsk_servent_out(void);
/* 1 with wsk_servent_out filled, 0 when not found. proto may be NULL. */
int wsk_getservbyname(const char *name, const char *proto);
int wsk_getservbyport(int port, const char *proto);
/* The protocol number, or -1 when /etc/protocols does not name it. */
int wsk_getprotobyname(const char *name);
/* glibc's gethostbyname2_r / gethostbyaddr_r into wsk_hostent_out: 0, or
 * -h_errno (HOST_NOT_FOUND.. NO_DATA, negated as errnos are). */
int wsk_gethostbyname(const char *name, int af);
int wsk_gethostbyaddr(const uint8_t *addr, int af);

#endif
