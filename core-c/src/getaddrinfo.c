/*
 * getaddrinfo as glibc 2.36 answers (sysdeps/posix/getaddrinfo.c:
 * getaddrinfo, gaih_inet, text_to_binary_address, get_nss_addresses,
 * rfc3484_sort; inet/inet6_scopeid_pton.c). The checks run in glibc's
 * order, so the first error is glibc's first error. Where glibc asks NSS,
 * an interface name or the interface list, wsk_getaddrinfo asks the core's
 * resolver (lookup.c, services.c) and the host's interface imports;
 * wsk_getaddrinfo_numeric answers WSK_GAI_LOOKUP there instead (see
 * <wasock/netdb.h>).
 */
#include <stddef.h>
#include <wasock/core.h>
#include <wasock/netdb.h>
#include <wasock/sockaddr.h>
#include <wasock/resolv.h>
#include <wasock/linux.h>

#if defined(__wasm32__)
/* The wasm32 layout <wasock/netdb.h> states (the library reads it through
 * the generated core ABI, tools/gen-core-abi.mjs). */
_Static_assert(offsetof(struct wsk_gai_out, canonname) == 8, "layout");
_Static_assert(offsetof(struct wsk_gai_out, entries) == 12, "layout");
_Static_assert(sizeof(struct wsk_gai_entry) == 44, "layout");
#endif

/* Flags glibc accepts: AI_PASSIVE..AI_CANONIDN, its two deprecated IDN
 * flags (0x100, 0x200) and AI_NUMERICSERV. */
#define VALID_FLAGS 0x07ff

/* One address before it is paired with the service triples. */
struct addrtuple {
	int family;
	uint8_t addr[16];
	uint32_t scope_id;
};

static struct wsk_gai_out gai_out;

WSK_EXPORT("wsk_gai_out")
struct wsk_gai_out *wsk_gai_out(void)
{
	return &gai_out;
}

static int is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static const char *find_char(const char *s, char c)
{
	for (; *s; s++)
		if (*s == c)
			return s;
	return 0;
}

static int has_non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/* glibc maps "*" to NULL (None) for both host and service. */
static const char *star_is_null(const char *s)
{
	return s && s[0] == '*' && s[1] == 0 ? 0 : s;
}

/*
 * AI_ADDRCONFIG: with only one of IPv4/IPv6 configured, an AF_UNSPEC
 * request narrows to it; a request for an unconfigured family fails.
 */
static int addrconfig(int *family, uint32_t seen)
{
	int v4 = (seen & WSK_GAI_SEEN_V4) != 0;
	int v6 = (seen & WSK_GAI_SEEN_V6) != 0;

	if (!(seen & WSK_GAI_SEEN_KNOWN))
		return WSK_GAI_LOOKUP;
	if (*family == WSK_AF_UNSPEC && (v4 || v6)) {
		if (v4 != v6)
			*family = v4 ? WSK_AF_INET : WSK_AF_INET6;
	} else if ((*family == WSK_AF_INET && !v4) ||
		   (*family == WSK_AF_INET6 && !v6)) {
		return WSK_EAI_NONAME;
	}
	return 0;
}

/*
 * No host: the wildcard with AI_PASSIVE, else loopback. glibc builds IPv6
 * then IPv4 and sorts the pair by RFC 3484 with its default tables: the
 * loopback pair keeps ::1 first (precedence 50 over 35), the wildcard pair
 * puts 0.0.0.0 first (:: carries the IPv4-compatible label, which its
 * source address ::1 does not share; 0.0.0.0 and 127.0.0.1 share theirs).
 * This assumes both families are usable, as measured on Linux.
 */
static int null_host(int family, int flags, struct addrtuple *at)
{
	int passive = (flags & WSK_AI_PASSIVE) != 0;
	struct addrtuple *v6 = at, *v4 = at;
	int n = 0;

	if (family == WSK_AF_UNSPEC) {
		v4 = passive ? &at[0] : &at[1];
		v6 = passive ? &at[1] : &at[0];
	}
	wsk_memset(at, 0, 2 * sizeof *at);
	if (family != WSK_AF_INET) {
		v6->family = WSK_AF_INET6;
		v6->addr[15] = passive ? 0 : 1;
		n++;
	}
	if (family != WSK_AF_INET6) {
		v4->family = WSK_AF_INET;
		if (!passive) {
			v4->addr[0] = 127;
			v4->addr[3] = 1;
		}
		n++;
	}
	return n;
}

/* glibc's __inet_aton_exact: inet_aton without the trailing blank+junk. */
static int aton_exact(const char *host, uint8_t *addr)
{
	const char *s;
	uint32_t be;

	for (s = host; *s; s++)
		if (is_space((unsigned char)*s))
			return 0;
	if (!wsk_inet_aton(host, &be))
		return 0;
	wsk_memcpy(addr, &be, 4);
	return 1;
}

/* An IPv4 literal: AF_INET, or v4-mapped for AF_INET6 with AI_V4MAPPED. */
static int ipv4_literal(int family, int flags, struct addrtuple *at)
{
	if (family == WSK_AF_UNSPEC || family == WSK_AF_INET) {
		at->family = WSK_AF_INET;
		return 0;
	}
	if (family == WSK_AF_INET6 && (flags & WSK_AI_V4MAPPED)) {
		wsk_memcpy(at->addr + 12, at->addr, 4);
		wsk_memset(at->addr, 0, 10);
		at->addr[10] = at->addr[11] = 0xff;
		at->family = WSK_AF_INET6;
		return 0;
	}
	return WSK_EAI_ADDRFAMILY;
}

static int is_v4mapped(const uint8_t *a)
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0,
					    0, 0, 0, 0, 0xff, 0xff };

	return wsk_memcmp(a, prefix, 12) == 0;
}

/* An IPv6 literal: AF_INET6, or AF_INET when v4-mapped and asked for. */
static int ipv6_literal(int family, struct addrtuple *at)
{
	if (family == WSK_AF_UNSPEC || family == WSK_AF_INET6) {
		at->family = WSK_AF_INET6;
		return 0;
	}
	if (family == WSK_AF_INET && is_v4mapped(at->addr)) {
		wsk_memcpy(at->addr, at->addr + 12, 4);
		at->family = WSK_AF_INET;
		return 0;
	}
	return WSK_EAI_ADDRFAMILY;
}

/* Link-local unicast, or node- and link-local multicast: the scopes
 * __inet6_scopeid_pton first reads as interface names. */
static int scope_by_name(const uint8_t *a)
{
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return 1;
	return a[0] == 0xff && ((a[1] & 0x0f) == 1 || (a[1] & 0x0f) == 2);
}

/* All decimal digits, at most UINT32_MAX (glibc: strtoull, then range). */
static int scope_number(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (*s < '0' || *s > '9')
		return 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > 0xffffffffu)
			return 0;
	}
	if (*s)
		return 0;
	*out = (uint32_t)v;
	return 1;
}

/*
 * The text after '%'. Where glibc tries if_nametoindex first, a number is
 * taken as a number (an interface named by digits alone is not looked for)
 * and anything else needs the lookup; elsewhere only a number is valid.
 */
static int scope_id(const uint8_t *addr, const char *scope, uint32_t *out,
		    int resolve)
{
	if (scope_number(scope, out))
		return 0;
	if (!scope_by_name(addr))
		return WSK_EAI_NONAME;
	if (!resolve)
		return WSK_GAI_LOOKUP;
	return wsk_host_if_nametoindex(scope, out) == 0 && *out ? 0
							       : WSK_EAI_NONAME;
}

/* Parses "v6addr" or "v6addr%scope"; 1 when it is one, else 0 or error. */
static int ipv6_text(const char *host, int family, struct addrtuple *at,
		     int resolve)
{
	const char *pct = find_char(host, '%');
	size_t len = pct ? (size_t)(pct - host) : wsk_strlen(host);
	char buf[WSK_INET6_ADDRSTRLEN];
	int r;

	if (len >= sizeof buf)
		return 0;
	wsk_memcpy(buf, host, len);
	buf[len] = 0;
	if (wsk_inet_pton(WSK_AF_INET6, buf, at->addr) != 1)
		return 0;
	r = ipv6_literal(family, at);
	if (r == 0 && pct)
		r = scope_id(at->addr, pct + 1, &at->scope_id, resolve);
	return r < 0 ? r : 1;
}

/* glibc's text_to_binary_address: 1 numeric, or an error/lookup code. */
static int numeric_host(const char *host, int family, int flags,
			struct addrtuple *at, int resolve)
{
	int r;

	wsk_memset(at, 0, sizeof *at);
	/* AI_IDN converts non-ASCII names first; that is libidn2's job. */
	if ((flags & WSK_AI_IDN) && has_non_ascii(host))
		return WSK_GAI_LOOKUP;
	if (aton_exact(host, at->addr)) {
		r = ipv4_literal(family, flags, at);
		return r < 0 ? r : 1;
	}
	r = ipv6_text(host, family, at, resolve);
	if (r != 0)
		return r;
	return (flags & WSK_AI_NUMERICHOST) ? WSK_EAI_NONAME : WSK_GAI_LOOKUP;
}

static uint32_t put_sockaddr(const struct addrtuple *at, uint16_t port_be,
			     uint8_t *out)
{
	if (at->family == WSK_AF_INET)
		return wsk_sockaddr_in_bytes(at->addr, port_be, out);
	return wsk_sockaddr_in6_bytes(at->addr, port_be, 0, at->scope_id, out);
}

/* Every address with every triple, addresses outermost, as glibc lists. */
static int emit(const struct addrtuple *at, int nat,
		const struct wsk_gai_serv *st, int nst,
		struct wsk_gai_out *out)
{
	int i, j, n = 0;

	for (i = 0; i < nat; i++) {
		for (j = 0; j < nst; j++, n++) {
			struct wsk_gai_entry *e = &out->entries[n];

			e->family = at[i].family;
			e->socktype = st[j].socktype;
			e->protocol = st[j].protocol;
			e->addrlen = put_sockaddr(&at[i], st[j].port_be,
						  e->addr);
		}
	}
	out->count = (uint32_t)n;
	return n;
}

/* The request checks glibc makes before it looks at host or service. */
static int check_request(const char *host, const char *serv, int family,
			 int flags)
{
	if (!host && !serv)
		return WSK_EAI_NONAME;
	if (flags & ~VALID_FLAGS)
		return WSK_EAI_BADFLAGS;
	if ((flags & WSK_AI_CANONNAME) && !host)
		return WSK_EAI_BADFLAGS;
	if (family != WSK_AF_UNSPEC && family != WSK_AF_INET &&
	    family != WSK_AF_INET6)
		return WSK_EAI_FAMILY;
	return 0;
}

/* The service string: absent, a number, or a name (num < 0 then). */
static int read_service(const char *serv, int flags, int *has, int *num)
{
	*has = serv && serv[0];
	*num = 0;
	if (!*has)
		return 0;
	if (!wsk_gai_parse_port(serv, num)) {
		if (flags & WSK_AI_NUMERICSERV)
			return WSK_EAI_NONAME;
		*num = -1;
	}
	return 0;
}

/* A name: resolved per glibc's family rules (see names_for). */
static int name_host(const char *host, int family, int flags,
		     struct addrtuple *at, const char **canon,
		     wsk_name_lookup lookup);
static void sort_addrs(struct addrtuple *at, int nat);
static int addrconfig_seen(void);

/* lookup NULL: no lookup at all (wsk_getaddrinfo_numeric). */
static int run(const char *host, const char *serv, int family, int socktype,
	       int proto, int flags, struct wsk_gai_out *out,
	       wsk_name_lookup lookup)
{
	int resolve = lookup != 0;
	static struct addrtuple at[WSK_HOST_ADDRS];
	struct wsk_gai_serv st[WSK_GAI_SERV_MAX];
	int r, nst, nat, has_serv, num;
	const char *canon = 0;

	out->count = 0;
	out->canonname = 0;
	host = star_is_null(host);
	serv = star_is_null(serv);
	r = check_request(host, serv, family, flags);
	if (r == 0 && (flags & WSK_AI_ADDRCONFIG)) {
		if (resolve && !(out->seen & WSK_GAI_SEEN_KNOWN))
			out->seen = (uint32_t)addrconfig_seen();
		r = addrconfig(&family, out->seen);
	}
	if (r == 0)
		r = read_service(serv, flags, &has_serv, &num);
	if (r < 0)
		return r;
	nst = wsk_gai_servtuples(socktype, proto, has_serv, num, st);
	if (nst == WSK_GAI_LOOKUP && resolve)
		nst = wsk_gai_servtuples_named(socktype, proto, serv, st);
	if (nst < 0)
		return nst;
	if (!host) {
		nat = null_host(family, flags, at);
	} else {
		nat = numeric_host(host, family, flags, at, resolve);
		if (nat == WSK_GAI_LOOKUP && resolve &&
		    !((flags & WSK_AI_IDN) && has_non_ascii(host))) {
			nat = name_host(host, family, flags, at, &canon, lookup);
			if (nat > 1)
				sort_addrs(at, nat);
		} else if (nat >= 0) {
			canon = host;
		}
		if (nat < 0)
			return nat;
		if (flags & WSK_AI_CANONNAME)
			out->canonname = canon;
	}
	/* nat <= WSK_HOST_ADDRS (at's size) and nst <= WSK_GAI_SERV_MAX:
	 * WSK_GAI_MAX holds them all. */
	return emit(at, nat, st, nst, out);
}

WSK_EXPORT("wsk_getaddrinfo_numeric")
int wsk_getaddrinfo_numeric(const char *host, const char *serv, int family,
			    int socktype, int proto, int flags,
			    struct wsk_gai_out *out)
{
	return run(host, serv, family, socktype, proto, flags, out, 0);
}

int wsk_getaddrinfo_by(const char *host, const char *serv, int family,
		       int socktype, int proto, int flags,
		       struct wsk_gai_out *out, wsk_name_lookup lookup)
{
	return run(host, serv, family, socktype, proto, flags, out, lookup);
}

WSK_EXPORT("wsk_getaddrinfo")
int wsk_getaddrinfo(const char *host, const char *serv, int family,
		    int socktype, int proto, int flags, struct wsk_gai_out *out)
{
	return run(host, serv, family, socktype, proto, flags, out,
		   wsk_lookup_name);
}

/* ---- names -------------------------------------------------------------- */

static struct wsk_hostent hbuf;
static char canon_buf[WSK_DNAME_MAX];

/* Appends hbuf's addresses; IPv4 as v4-mapped when map is set. */
static int take(struct addrtuple *at, int n, int map)
{
	uint32_t i;

	for (i = 0; i < hbuf.naddrs && n < WSK_HOST_ADDRS; i++, n++) {
		const struct wsk_haddr *a = &hbuf.addrs[i];

		wsk_memset(&at[n], 0, sizeof at[n]);
		at[n].family = a->family;
		if (map && a->family == WSK_AF_INET) {
			at[n].family = WSK_AF_INET6;
			at[n].addr[10] = at[n].addr[11] = 0xff;
			wsk_memcpy(at[n].addr + 12, a->addr, 4);
		} else {
			wsk_memcpy(at[n].addr, a->addr, 16);
		}
	}
	return n;
}

static void keep_canon(const char **canon)
{
	if (*canon)
		return;
	wsk_span_copy((struct wsk_span){ hbuf.names,
					 (uint32_t)wsk_strlen(hbuf.names) },
		      canon_buf, sizeof canon_buf);
	*canon = canon_buf;
}

static int drop_mapped(struct addrtuple *at, int n)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		if (!is_v4mapped(at[i].addr))
			at[k++] = at[i];
	return k;
}

/*
 * glibc 2.36's get_nss_addresses: AF_UNSPEC asks for every family at once
 * (gethostbyname4); AF_INET and AF_INET6 ask for theirs, and AF_INET6 with
 * AI_V4MAPPED adds the IPv4 addresses, mapped, when there is no IPv6 one
 * or AI_ALL is set. The canonical name is the first answer's.
 */
static int name_host(const char *host, int family, int flags,
		     struct addrtuple *at, const char **canon,
		     wsk_name_lookup lookup)
{
	int herr, r, n = 0;

	int mapped_only = family == WSK_AF_INET6 &&
			  (flags & (WSK_AI_V4MAPPED | WSK_AI_ALL)) == WSK_AI_V4MAPPED;

	/* glibc hands its NSS calls &h_errno: each lookup sets it. A lookup
	 * left to the network (WSK_GAI_LOOKUP) is yet to be made, and sets
	 * nothing. */
	r = lookup(host, family, &hbuf, &herr);
	if (r == WSK_GAI_LOOKUP)
		return r;
	wsk_set_h_errno(herr);
	if (r == 0) {
		n = take(at, 0, 0);
		keep_canon(canon);
		/* Measured against glibc: with AI_V4MAPPED alone, a v4-mapped
		 * hosts line counts as an IPv6 answer yet yields nothing. */
		if (mapped_only)
			n = drop_mapped(at, n);
	}
	if (family == WSK_AF_INET6 && (flags & WSK_AI_V4MAPPED) &&
	    ((r != 0 && n == 0) || (flags & WSK_AI_ALL))) {
		int r4 = lookup(host, WSK_AF_INET, &hbuf, &herr);

		if (r4 == WSK_GAI_LOOKUP)
			return r4;
		wsk_set_h_errno(herr);

		if (r4 == 0) {
			n = take(at, n, 1);
			keep_canon(canon);
		} else if (n == 0) {
			r = r4;
		}
	}
	if (n == 0)
		return r < 0 ? r : WSK_EAI_NONAME;
	return n;
}

/* ---- the interface list and the sort ------------------------------------ */

/* The interface addresses read for AI_ADDRCONFIG and the sort's prefix
 * lengths. A host with more lists the rest unread: AI_ADDRCONFIG needs one
 * non-loopback address of a family, and a source whose entry is not among
 * them sorts as prefix length 0 (rule 9 alone). */
#define IFA_MAX 64

static uint8_t ifa_buf[IFA_MAX * WSK_IFADDR_SIZE];

static uint32_t read_ifaddrs(void)
{
	uint32_t n = 0;

	if (wsk_host_ifaddrs(ifa_buf, IFA_MAX, &n) != 0)
		return 0;
	return n > IFA_MAX ? IFA_MAX : n;
}

static void ifa_get(uint32_t i, int32_t *family, uint32_t *plen, uint8_t *addr)
{
	const uint8_t *r = ifa_buf + i * WSK_IFADDR_SIZE;

	wsk_memcpy(family, r + WSK_IFADDR_FAMILY, 4);
	wsk_memcpy(plen, r + WSK_IFADDR_PREFIXLEN, 4);
	wsk_memcpy(addr, r + WSK_IFADDR_ADDR, 16);
}

/* glibc's __check_pf: non-loopback addresses of each family. */
static int addrconfig_seen(void)
{
	static const uint8_t lo6[16] = { 0, 0, 0, 0, 0, 0, 0, 0,
					 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t lo4[4] = { 127, 0, 0, 1 };
	uint32_t n = read_ifaddrs(), i, plen;
	uint8_t a[16];
	int32_t fam;
	int seen = WSK_GAI_SEEN_KNOWN;

	for (i = 0; i < n; i++) {
		ifa_get(i, &fam, &plen, a);
		if (fam == WSK_AF_INET && wsk_memcmp(a, lo4, 4) != 0)
			seen |= WSK_GAI_SEEN_V4;
		if (fam == WSK_AF_INET6 && wsk_memcmp(a, lo6, 16) != 0)
			seen |= WSK_GAI_SEEN_V6;
	}
	return seen;
}

/* The source address the kernel would pick (glibc: a UDP connect), as the
 * host's route_source import tells: no socket of the core's own. */
static int source_of(const struct addrtuple *dst, struct wsk_haddr *src)
{
	uint8_t sa[WSK_GAI_ADDRMAX];
	uint8_t dsa[WSK_GAI_ADDRMAX];
	wsk_socklen dlen = put_sockaddr(dst, wsk_htons(9), dsa);
	wsk_socklen len = sizeof sa;
	int ok;

	wsk_memset(sa, 0, sizeof sa);
	ok = wsk_host_route_source(dsa, dlen, sa, &len) == 0 &&
	     len >= (dst->family == WSK_AF_INET ? 16u : 24u);
	if (!ok)
		return 0;
	wsk_memset(src, 0, sizeof *src);
	if (dst->family == WSK_AF_INET) {
		src->family = WSK_AF_INET;
		wsk_memcpy(src->addr, sa + 4, 4);
	} else if (is_v4mapped(sa + 8)) {
		src->family = WSK_AF_INET;
		wsk_memcpy(src->addr, sa + 20, 4);
	} else {
		src->family = WSK_AF_INET6;
		wsk_memcpy(src->addr, sa + 8, 16);
	}
	return 1;
}

static uint32_t prefixlen_of(const struct wsk_haddr *src, uint32_t nifa)
{
	uint32_t i, plen;
	uint8_t a[16];
	int32_t fam;

	for (i = 0; i < nifa; i++) {
		ifa_get(i, &fam, &plen, a);
		if (fam == src->family &&
		    wsk_memcmp(a, src->addr, fam == WSK_AF_INET ? 4 : 16) == 0)
			return plen;
	}
	return 0;
}

/* The sort's rule 9 reads a source's prefix length only when comparing two
 * IPv4 destinations: the interface list (a netlink dump on the host) is read
 * only then. */
static uint32_t ifaddrs_for_sort(const struct addrtuple *at, int nat)
{
	int i, v4 = 0;

	for (i = 0; i < nat; i++)
		v4 += at[i].family == WSK_AF_INET;
	return v4 >= 2 ? read_ifaddrs() : 0;
}

static void sort_addrs(struct addrtuple *at, int nat)
{
	static struct wsk_sort_item items[WSK_HOST_ADDRS];
	uint32_t nifa = ifaddrs_for_sort(at, nat);
	int i;

	for (i = 0; i < nat; i++) {
		wsk_memset(&items[i], 0, sizeof items[i]);
		items[i].dst.family = at[i].family;
		wsk_memcpy(items[i].dst.addr, at[i].addr, 16);
		items[i].dst.scope_id = at[i].scope_id;
		items[i].index = (uint32_t)i;
		items[i].has_src = source_of(&at[i], &items[i].src);
		if (items[i].has_src)
			items[i].src_prefixlen = prefixlen_of(&items[i].src, nifa);
	}
	wsk_gai_sort(items, (uint32_t)nat, wsk_gaiconf_current());
	for (i = 0; i < nat; i++) {
		at[i].family = items[i].dst.family;
		wsk_memcpy(at[i].addr, items[i].dst.addr, 16);
		at[i].scope_id = items[i].dst.scope_id;
	}
}
