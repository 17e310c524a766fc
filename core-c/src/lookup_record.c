/*
 * The host's side of the lookup_name and lookup_addr imports: a guest's
 * host resolves with its own trusted core instance (this one) and hands
 * the guest the answer as one record (layout in <wasock/host.h>). The
 * host's TypeScript judges names (the guest's DNS grant) and calls these
 * exports with the names it may resolve; the lookups themselves are the
 * library's (lookup.c), so a guest gets the answers and errors the
 * library's gethostbyname_ex and getaddrinfo get. The guest SDK leaves
 * this file out.
 */
#include <wasock/core.h>
#include <wasock/host.h>
#include <wasock/netdb.h>
#include <wasock/resolv.h>

/* Where the host writes the name asked and reads the answer. */
static struct {
	uint8_t rec[WSK_LOOKUP_MAX];
} io;
static struct wsk_hostent he;

WSK_EXPORT("wsk_lookup_io")
uint8_t *wsk_lookup_io(void)
{
	return io.rec;
}

static void put32(uint32_t off, int32_t v)
{
	wsk_memcpy(io.rec + off, &v, 4);
}

/* The record for a lookup's outcome; returns its length. */
static uint32_t pack(int eai, int herr, int hglobal)
{
	uint32_t i, o, n = 0;
	const char *p = he.names;

	if (eai != 0)
		wsk_hostent_init(&he, 0);
	for (i = 0; i < he.nnames; i++)
		p += wsk_strlen(p) + 1;
	put32(WSK_LOOKUP_EAI, eai);
	put32(WSK_LOOKUP_HERR, herr);
	put32(WSK_LOOKUP_HGLOBAL, hglobal);
	put32(WSK_LOOKUP_FAMILY, he.family);
	put32(WSK_LOOKUP_NADDRS, (int32_t)he.naddrs);
	put32(WSK_LOOKUP_NNAMES, (int32_t)he.nnames);
	o = WSK_LOOKUP_HEADER;
	for (i = 0; i < he.naddrs; i++, o += WSK_LOOKUP_ADDR_SIZE) {
		put32(o, he.addrs[i].family);
		wsk_memcpy(io.rec + o + 4, he.addrs[i].addr, 16);
		put32(o + 20, (int32_t)he.addrs[i].scope_id);
	}
	n = (uint32_t)(p - he.names);
	wsk_memcpy(io.rec + o, he.names, n);
	return o + n;
}

/* The name the host wrote into io (NUL-terminated; "" if too long). */
static void asked(char *name)
{
	struct wsk_span s = { (const char *)io.rec, 0 };

	while (s.n < WSK_LOOKUP_NAME_MAX && s.p[s.n])
		s.n++;
	if (!wsk_span_copy(s, name, WSK_LOOKUP_NAME_MAX))
		name[0] = 0;
}

/* A lookup with the global h_errno watched: -1 when it left it alone. */
static int h_before;

static void watch_h_errno(void)
{
	h_before = wsk_h_errno();
	wsk_set_h_errno(-1);
}

static int watched_h_errno(void)
{
	int h = wsk_h_errno();

	if (h == -1)
		wsk_set_h_errno(h_before);
	return h;
}

/*
 * The name in io (NUL-terminated) looked up as the library does
 * (files_only 0), or in the hosts file alone (files_only 1: what the host
 * answers for names that reach nothing, the loopback names). The record
 * replaces the name in io; returns its length.
 */
WSK_EXPORT("wsk_lookup_record_name")
uint32_t wsk_lookup_record_name(int af, int files_only)
{
	char name[WSK_LOOKUP_NAME_MAX];
	const char *text;
	uint32_t len;
	int herr, r;

	asked(name);
	if (files_only) {
		text = wsk_rfile(WSK_RFILE_HOSTS, &len);
		r = name[0] && wsk_hosts_byname(text, len, name, af, &he)
			    ? 0
			    : WSK_EAI_NONAME;
		return pack(r, WSK_HOST_NOT_FOUND, -1);
	}
	watch_h_errno();
	r = wsk_lookup_name(name, af, &he, &herr);
	return pack(r, herr, watched_h_errno());
}

/* The address (4 or 16 bytes) at the start of io: as the library looks it
 * up (files_only 0: hosts file and PTR), or in the hosts file alone. */
WSK_EXPORT("wsk_lookup_record_addr")
uint32_t wsk_lookup_record_addr(int af, int files_only)
{
	uint8_t addr[16];
	const char *text;
	uint32_t len;
	int herr, r;

	wsk_memcpy(addr, io.rec, 16);
	if (files_only) {
		text = wsk_rfile(WSK_RFILE_HOSTS, &len);
		r = wsk_hosts_byaddr(text, len, af, addr, &he) ? 0 : WSK_EAI_NONAME;
		return pack(r, WSK_HOST_NOT_FOUND, -1);
	}
	watch_h_errno();
	r = wsk_lookup_addr(af, addr, &he, &herr);
	return pack(r, herr, watched_h_errno());
}

/* The names a DNS lookup of the name in io would try (the search list),
 * in order, each NUL-terminated, packed in io from its start; returns how
 * many. (7 names of < 256 bytes always fit.) */
WSK_EXPORT("wsk_lookup_candidates")
uint32_t wsk_lookup_candidates(void)
{
	char name[WSK_LOOKUP_NAME_MAX];
	char names[WSK_DNS_NAMES][WSK_DNAME_MAX];
	uint32_t n, i, o = 0, l;

	asked(name);
	n = wsk_dns_search_names(wsk_resconf_current(), name, names);
	for (i = 0; i < n; i++) {
		l = (uint32_t)wsk_strlen(names[i]) + 1;
		wsk_memcpy(io.rec + o, names[i], l);
		o += l;
	}
	return n;
}
