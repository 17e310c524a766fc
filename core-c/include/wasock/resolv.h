/*
 * The core's resolver: the configuration files (read through the host, see
 * wsk_host_resolver_file), their parsers, the hosts database, the DNS
 * message codec and the stub resolver's state machine.
 *
 * Every parser is a pure function over (text, len): no allocation, no host
 * call, so each is fuzzed natively as it is. Fixed limits replace malloc;
 * each is noted where it differs from glibc.
 */
#ifndef WASOCK_RESOLV_H
#define WASOCK_RESOLV_H

#include <stdint.h>

/* Resolver files, by id. */
enum {
	WSK_RFILE_HOSTS = 0,
	WSK_RFILE_SERVICES = 1,
	WSK_RFILE_PROTOCOLS = 2,
	WSK_RFILE_RESOLV = 3,
	WSK_RFILE_NSSWITCH = 4,
	WSK_RFILE_GAI = 5,
	WSK_RFILE_COUNT = 6,
};

/* ---- text scanning (rtext.c) ------------------------------------------- */

struct wsk_span {
	const char *p;
	uint32_t n;
};

/* The next line of [*pos, end) with any '#' comment cut off; 0 at the end. */
int wsk_next_line(const char **pos, const char *end, struct wsk_span *line);
/* The next blank-separated field of *line (consumed); 0 when none is left. */
int wsk_next_field(struct wsk_span *line, struct wsk_span *field);
int wsk_span_is(struct wsk_span s, const char *z);
int wsk_span_is_nocase(struct wsk_span s, const char *z);
/* Copies s into buf with a NUL; 0 if it does not fit. */
int wsk_span_copy(struct wsk_span s, char *buf, uint32_t size);
/* A decimal number of at most max; 0 if the span is not one. */
int wsk_span_uint(struct wsk_span s, uint32_t max, uint32_t *out);
int wsk_strcasecmp(const char *a, const char *b);
int wsk_strcmp(const char *a, const char *b);

/* ---- the files through the host (rfile.c) ------------------------------ */

/* The current bytes of a file (fetched when the host says it changed). */
const char *wsk_rfile(int id, uint32_t *len);
/* The file's generation: changes whenever its bytes do. */
uint32_t wsk_rfile_gen(int id);

/* ---- /etc/services and /etc/protocols (services.c, protocols.c) -------- */

/* A service's name and protocol with their NULs. A line whose name or
 * protocol is longer is skipped (glibc has no bound; no registered service
 * name is longer than 15 characters, RFC 6335). */
#define WSK_SERV_NAME 64
#define WSK_SERV_PROTO 32

struct wsk_servent {
	char name[WSK_SERV_NAME];
	char proto[WSK_SERV_PROTO];
	int32_t port; /* host order */
};

/* glibc's files getservbyname_r/getservbyport_r: the first line whose
 * name or alias (case-sensitive) and protocol (NULL: any) match. 1 found. */
int wsk_services_byname(const char *text, uint32_t len, const char *name,
			const char *proto, struct wsk_servent *out);
int wsk_services_byport(const char *text, uint32_t len, int port,
			const char *proto, struct wsk_servent *out);
/* getprotobyname: 1 with *num, 0 when no line names it. */
int wsk_protocols_byname(const char *text, uint32_t len, const char *name,
			 int *num);

/* ---- /etc/hosts (hosts.c) ------------------------------------------------ */

#define WSK_HOST_ADDRS 48
#define WSK_HOST_TEXT 2048

/* One address; family AF_INET (4 bytes used) or AF_INET6. */
struct wsk_haddr {
	int32_t family;
	uint8_t addr[16];
	uint32_t scope_id;
};

/*
 * A host entry: names is "h_name\0alias\0alias\0"; addrs of any family
 * (gethostbyname4 style) unless the lookup asked for one.
 * wasm32 layout: family 0, naddrs 4, nnames 8, addrs 12, names after.
 */
struct wsk_hostent {
	int32_t family;
	uint32_t naddrs;
	uint32_t nnames;
	struct wsk_haddr addrs[WSK_HOST_ADDRS];
	char names[WSK_HOST_TEXT];
};

/* Lookup kinds: glibc's gethostbyname3 (one family, lines of every match
 * merged as "multi on") and gethostbyname4 (all families). */
#define WSK_HOSTS_ANY 0

/* 1 found (out filled), 0 not found. af: AF_INET, AF_INET6 or 0 (all). */
int wsk_hosts_byname(const char *text, uint32_t len, const char *name,
		     int af, struct wsk_hostent *out);
int wsk_hosts_byaddr(const char *text, uint32_t len, int af,
		     const uint8_t *addr, struct wsk_hostent *out);
void wsk_hostent_init(struct wsk_hostent *h, int af);
int wsk_hostent_add_name(struct wsk_hostent *h, const char *s, uint32_t n);
int wsk_hostent_add_addr(struct wsk_hostent *h, int af, const uint8_t *a);

/* ---- resolv.conf (resolv_conf.c) ----------------------------------------- */

#define WSK_MAXNS 3
#define WSK_MAXDNSRCH 6
#define WSK_DNAME_MAX 256

struct wsk_nameserver {
	int32_t family;
	uint8_t addr[16];
	uint16_t port; /* host order */
	uint32_t scope_id;
};

struct wsk_resconf {
	uint32_t nns;
	struct wsk_nameserver ns[WSK_MAXNS];
	uint32_t nsearch;
	char search[WSK_MAXDNSRCH][WSK_DNAME_MAX];
	uint32_t ndots;	   /* default 1, at most 15 */
	uint32_t timeout;  /* seconds per try, default 5, at most 30 */
	uint32_t attempts; /* default 2, at most 5 */
	uint32_t rotate;
	uint32_t use_vc; /* options use-vc: TCP only */
};

/* glibc's resolv_conf parse; a missing file gives 127.0.0.1:53. */
void wsk_resolv_conf_parse(const char *text, uint32_t len,
			   struct wsk_resconf *rc);

/* ---- nsswitch.conf `hosts:` (nsswitch.c) ---------------------------------- */

enum { WSK_NSS_FILES = 1, WSK_NSS_DNS = 2 };

/* Sources of the hosts line kept, in order: only files and dns are known,
 * so a longer line only repeats them; the rest is ignored. */
#define WSK_NSS_MAX 8

/* Sources in order; [NOTFOUND=return] after a source sets stop[i]. */
struct wsk_nss {
	uint32_t n;
	uint8_t src[WSK_NSS_MAX];
	uint8_t stop_notfound[WSK_NSS_MAX];
};

/* The hosts line; none gives glibc's default "dns files". */
void wsk_nsswitch_parse(const char *text, uint32_t len, struct wsk_nss *nss);

/* ---- gai.conf and the RFC 3484/6724 sort (gai_conf.c, gai_sort.c) ------ */

#define WSK_GAI_TABLE 32

struct wsk_prefix_rule {
	uint8_t prefix[16];
	uint32_t bits;
	int32_t value;
};

struct wsk_gaiconf {
	uint32_t nlabel, nprec, nscope;
	struct wsk_prefix_rule label[WSK_GAI_TABLE];
	struct wsk_prefix_rule prec[WSK_GAI_TABLE];
	struct wsk_prefix_rule scope[WSK_GAI_TABLE]; /* scopev4, as v4-mapped */
};

/* gai.conf with glibc's defaults for each table it leaves empty. */
void wsk_gai_conf_parse(const char *text, uint32_t len,
			struct wsk_gaiconf *gc);

/* One destination to sort, with what the sort learned about it. */
struct wsk_sort_item {
	struct wsk_haddr dst;
	uint32_t index;
	int has_src;
	struct wsk_haddr src;
	uint32_t src_prefixlen;
};

/* glibc's rfc3484_sort over items (sources already found). */
void wsk_gai_sort(struct wsk_sort_item *items, uint32_t n,
		  const struct wsk_gaiconf *gc);

/* ---- DNS messages (dns_msg.c) ------------------------------------------ */

enum {
	WSK_DNS_A = 1,
	WSK_DNS_CNAME = 5,
	WSK_DNS_PTR = 12,
	WSK_DNS_AAAA = 28,
};

#define WSK_DNS_UDP_MAX 512
#define WSK_DNS_MSG_MAX 65535

/* Writes a standard query (RD set) for name/qtype; returns its length or
 * -1 when name is not a valid domain name. */
int wsk_dns_mkquery(const char *name, int qtype, uint16_t id, uint8_t *buf,
		    uint32_t size);

/* glibc's res_hnok: 1 when name, read as ns_name_pton reads it (\\X and
 * \\DDD escapes, labels of 1..63, at most 255 bytes on the wire, "." alone
 * the root), is printable ASCII, has labels of [0-9A-Za-z_-] only and does
 * not start with '-'. nss_dns asks no server for a name that fails it. */
int wsk_res_hnok(const char *name);

/* A name at off, decompressed into out (dotted, no final dot). Returns the
 * offset just after it in the message, or -1 when malformed (pointer loop,
 * past the end, too long). */
int wsk_dns_name(const uint8_t *msg, uint32_t len, uint32_t off, char *out,
		 uint32_t size);

/* The answer to a query, checked against it. */
enum {
	WSK_DNS_OK = 0,	      /* answers found (maybe zero of qtype) */
	WSK_DNS_NXDOMAIN = 1, /* the name does not exist */
	WSK_DNS_NODATA = 2,   /* exists, no record of the type */
	WSK_DNS_SERVFAIL = 3, /* server failure / refused: next server */
	WSK_DNS_BAD = 4,      /* malformed */
	WSK_DNS_MISMATCH = 5, /* not the answer to this query: ignore */
	WSK_DNS_TRUNC = 6,    /* TC set: ask again over TCP */
};

struct wsk_dns_answer {
	char canon[WSK_DNAME_MAX]; /* the end of the CNAME chain */
	uint32_t naddrs;
	uint8_t addrs[WSK_HOST_ADDRS][16];
	uint32_t nnames; /* PTR targets, "a\0b\0" */
	char names[WSK_HOST_TEXT];
};

/* Checks msg against (id, qname, qtype) and extracts the records: A or AAAA
 * following the CNAME chain from qname, or PTR names. */
int wsk_dns_parse(const uint8_t *msg, uint32_t len, uint16_t id,
		  const char *qname, int qtype, struct wsk_dns_answer *ans);

/* ---- the stub resolver (dns_query.c) -------------------------------------- */

/*
 * A lookup is a state machine, not a blocking call: wsk_dns_start sets it
 * up, wsk_dns_step advances it by one event and says what it waits for
 * next (a descriptor to become readable/writable, or a deadline). Nothing
 * in a step ever sleeps; wsk_dns_run is the one driver, waiting in the
 * host's poll (the Promise API calls it from a worker thread, see
 * dns_query.c).
 */
enum {
	WSK_DNS_WANT = 1, /* wait for q->pfd (events) or q->deadline_ns */
	WSK_DNS_DONE = 0, /* q->result holds the outcome */
};

#define WSK_DNS_QTYPES 2
#define WSK_DNS_NAMES (WSK_MAXDNSRCH + 1)

struct wsk_dns_query {
	/* configuration snapshot */
	struct wsk_resconf rc;
	/* the names to try, in order (search list applied) */
	uint32_t nnames;
	char names[WSK_DNS_NAMES][WSK_DNAME_MAX];
	int qtypes[WSK_DNS_QTYPES];
	uint32_t nq;
	/* progress */
	uint32_t name_i, server_i, attempt, tries;
	int state;
	int fd;
	int tcp;
	uint16_t ids[WSK_DNS_QTYPES];
	uint8_t got[WSK_DNS_QTYPES];
	uint8_t sent[WSK_DNS_QTYPES];
	int16_t rcode[WSK_DNS_QTYPES];
	int64_t deadline_ns;
	/* what to wait for */
	int32_t pfd;
	int16_t pevents;
	/* TCP framing */
	uint32_t tcp_qi, io_off, io_len;
	uint8_t qbuf[WSK_DNS_QTYPES][WSK_DNS_UDP_MAX + 2];
	uint32_t qlen[WSK_DNS_QTYPES];
	uint8_t rbuf[WSK_DNS_MSG_MAX + 2];
	/* outcome: 0, or a negative EAI code */
	int result;
	int saw_nodata, name_fail, saw_fail;
	struct wsk_dns_answer ans[WSK_DNS_QTYPES];
};

/* qtypes: WSK_DNS_A and/or WSK_DNS_AAAA (asked in parallel) or PTR. */
int wsk_dns_start(struct wsk_dns_query *q, const struct wsk_resconf *rc,
		  const char *name, const int *qtypes, uint32_t nq);
/* revents: poll's answer for q->pfd, 0 when the deadline passed. */
int wsk_dns_step(struct wsk_dns_query *q, int revents);
/* The names a lookup of name tries, in res_search's order (rc's search
 * list and ndots): at most WSK_DNS_NAMES; returns how many. */
uint32_t wsk_dns_search_names(const struct wsk_resconf *rc, const char *name,
			      char (*names)[WSK_DNAME_MAX]);
/* Runs the machine to its end with the host's poll. */
int wsk_dns_run(struct wsk_dns_query *q);
void wsk_dns_cancel(struct wsk_dns_query *q);

/* ---- lookups by name and address (lookup.c) ------------------------------ */

/* Per nsswitch: files then dns (or as configured). af as wsk_hosts_byname.
 * 0 found, else a negative EAI code (EAI_NONAME, EAI_AGAIN, EAI_FAIL).
 * *herr is what glibc's NSS modules leave in their h_errnop: the failure's
 * h_errno, and on success HOST_NOT_FOUND from files (they read to the end)
 * or from gethostbyname4_r (af AF_UNSPEC), 0 from dns gethostbyname3_r. */
int wsk_lookup_name(const char *name, int af, struct wsk_hostent *out,
		    int *herr);
/* glibc's thread-global h_errno, which CPython reads after gethostbyname_r
 * and gethostbyaddr_r fail (they report through a local h_errnop, so a
 * failure that asked no server leaves the previous call's value): set by
 * every DNS query (res_search/res_query) and by getaddrinfo's name lookups,
 * whose NSS calls write it directly. 0 at start. */
int wsk_h_errno(void);
void wsk_set_h_errno(int h);

int wsk_lookup_addr(int af, const uint8_t *addr, struct wsk_hostent *out,
		    int *herr);
/* wsk_lookup_name without the network: WSK_GAI_LOOKUP where it would ask
 * DNS (or scan a hosts file too large to scan on an event loop's thread),
 * h_errno left as it was; what the sources before DNS answer, it answers as
 * wsk_lookup_name does. */
int wsk_lookup_name_local(const char *name, int af, struct wsk_hostent *out,
			  int *herr);
/* The shape of both: how getaddrinfo looks a name up. */
typedef int (*wsk_name_lookup)(const char *name, int af,
			       struct wsk_hostent *out, int *herr);

/* The parsed configuration, re-read when its file changes (lookup.c). */
const struct wsk_resconf *wsk_resconf_current(void);
const struct wsk_gaiconf *wsk_gaiconf_current(void);

enum {
	WSK_HOST_NOT_FOUND = 1,
	WSK_TRY_AGAIN = 2,
	WSK_NO_RECOVERY = 3,
	WSK_NO_DATA = 4,
};

#endif
