/*
 * Host lookups for guests: the core's wsk_lookup_name/wsk_lookup_addr
 * (lookup.c in the library) answered by the guest's host through the
 * lookup_name and lookup_addr imports. The host judges the name against
 * the guest's DNS grant and resolves it with its own trusted resolver, so
 * a guest holds no resolver socket and sends no DNS bytes: the SDK leaves
 * lookup.c, the stub resolver (dns_query.c) and the DNS codec out.
 * getaddrinfo.c, getnameinfo.c and netdb_names.c run here unchanged on the
 * host entries this file unpacks.
 */
#include <wasock/core.h>
#include <wasock/host.h>
#include <wasock/netdb.h>
#include <wasock/resolv.h>

static int h_errno_global;
static uint8_t rec[WSK_LOOKUP_MAX];
static struct wsk_gaiconf gc;
static uint32_t gc_gen = (uint32_t)-1;

WSK_EXPORT("wsk_h_errno")
int wsk_h_errno(void)
{
	return h_errno_global;
}

void wsk_set_h_errno(int h)
{
	h_errno_global = h;
}

/* gai.conf, for the address sort: still read through the host. */
const struct wsk_gaiconf *wsk_gaiconf_current(void)
{
	uint32_t g = wsk_rfile_gen(WSK_RFILE_GAI), len;
	const char *t;

	if (g != gc_gen) {
		gc_gen = g;
		t = wsk_rfile(WSK_RFILE_GAI, &len);
		wsk_gai_conf_parse(t, len, &gc);
	}
	return &gc;
}

static int32_t get32(uint32_t off)
{
	int32_t v;

	wsk_memcpy(&v, rec + off, 4);
	return v;
}

/* The record the host wrote (len bytes) as a host entry; its EAI code,
 * with *herr and the global h_errno as the host's lookup left them. A
 * record that does not hold together is EAI_SYSTEM. */
static int unpack(uint32_t len, struct wsk_hostent *out, int *herr)
{
	uint32_t naddrs, nnames, i, o = WSK_LOOKUP_HEADER, end;
	int eai, hg;

	if (len < WSK_LOOKUP_HEADER || len > sizeof rec)
		return WSK_EAI_SYSTEM;
	eai = get32(WSK_LOOKUP_EAI);
	*herr = get32(WSK_LOOKUP_HERR);
	hg = get32(WSK_LOOKUP_HGLOBAL);
	if (hg != -1)
		h_errno_global = hg;
	if (eai != 0)
		return eai;
	naddrs = (uint32_t)get32(WSK_LOOKUP_NADDRS);
	nnames = (uint32_t)get32(WSK_LOOKUP_NNAMES);
	if (naddrs > WSK_HOST_ADDRS ||
	    len < WSK_LOOKUP_HEADER + naddrs * WSK_LOOKUP_ADDR_SIZE)
		return WSK_EAI_SYSTEM;
	wsk_hostent_init(out, get32(WSK_LOOKUP_FAMILY));
	for (i = 0; i < naddrs; i++, o += WSK_LOOKUP_ADDR_SIZE) {
		struct wsk_haddr *a = &out->addrs[out->naddrs++];

		a->family = get32(o);
		wsk_memcpy(a->addr, rec + o + 4, 16);
		a->scope_id = (uint32_t)get32(o + 20);
	}
	for (i = 0; i < nnames && o < len; i++, o = end + 1) {
		for (end = o; end < len && rec[end]; end++)
			;
		if (end == len)
			return WSK_EAI_SYSTEM;
		wsk_hostent_add_name(out, (const char *)rec + o, end - o);
	}
	return 0;
}

/* The outcome of an import call that failed (EFAULT, EINVAL, ...): glibc's
 * answer to a lookup that could not be made. */
static int failed(int *herr)
{
	*herr = WSK_NO_RECOVERY;
	return WSK_EAI_SYSTEM;
}

int wsk_lookup_name(const char *name, int af, struct wsk_hostent *out,
		    int *herr)
{
	uint32_t n = (uint32_t)wsk_strlen(name), len = 0;

	*herr = WSK_HOST_NOT_FOUND;
	/* No host name is this long: glibc asks no server for it. */
	if (n >= WSK_LOOKUP_NAME_MAX)
		return WSK_EAI_NONAME;
	if (wsk_host_lookup_name(name, n, af, rec, sizeof rec, &len) != 0)
		return failed(herr);
	return unpack(len, out, herr);
}

int wsk_lookup_addr(int af, const uint8_t *addr, struct wsk_hostent *out,
		    int *herr)
{
	uint32_t len = 0;

	*herr = WSK_HOST_NOT_FOUND;
	if (wsk_host_lookup_addr(af, addr, rec, sizeof rec, &len) != 0)
		return failed(herr);
	return unpack(len, out, herr);
}
