/*
 * Host lookups the way glibc's NSS makes them for the `hosts` database:
 * the sources of nsswitch.conf in order (files, dns), the first that
 * finds the name answers. Parsed configuration is cached by the files'
 * generations, so an unchanged file costs one host call per lookup: the
 * generation is asked first, the text only when it changed.
 */
#include <wasock/core.h>
#include <wasock/netdb.h>
#include <wasock/resolv.h>

static struct wsk_nss nss;
static uint32_t nss_gen = (uint32_t)-1;
static struct wsk_resconf rc;
static uint32_t rc_gen = (uint32_t)-1;
static struct wsk_gaiconf gc;
static uint32_t gc_gen = (uint32_t)-1;
static struct wsk_dns_query dnsq;
static int h_errno_global;

/* A hosts file a lookup without the network scans: above this, scanning it
 * could hold an event loop for milliseconds (ad-blocking lists run to
 * megabytes), so that lookup is left to the network's side too. */
#define LOCAL_HOSTS_MAX (64 * 1024)

WSK_EXPORT("wsk_h_errno")
int wsk_h_errno(void)
{
	return h_errno_global;
}

void wsk_set_h_errno(int h)
{
	h_errno_global = h;
}

/* The text of file `id` when its generation is no longer *gen (which it
 * then takes), else NULL. A change between the two host calls is seen as
 * one more change on the next call. */
static const char *changed(int id, uint32_t *gen, uint32_t *len)
{
	uint32_t g = wsk_rfile_gen(id);

	if (g == *gen)
		return 0;
	*gen = g;
	return wsk_rfile(id, len);
}

static const struct wsk_nss *nss_current(void)
{
	uint32_t len;
	const char *t = changed(WSK_RFILE_NSSWITCH, &nss_gen, &len);

	if (t)
		wsk_nsswitch_parse(t, len, &nss);
	return &nss;
}

/* Without search/domain, glibc searches the host name's domain. */
static void default_domain(struct wsk_resconf *r)
{
	char host[WSK_DNAME_MAX];
	uint32_t i;

	if (r->nsearch || wsk_host_gethostname(host, sizeof host))
		return;
	for (i = 0; host[i] && host[i] != '.'; i++)
		;
	if (host[i] == '.' && host[i + 1]) {
		wsk_memcpy(r->search[0], host + i + 1,
			   wsk_strlen(host + i + 1) + 1);
		r->nsearch = 1;
	}
}

const struct wsk_resconf *wsk_resconf_current(void)
{
	uint32_t len;
	const char *t = changed(WSK_RFILE_RESOLV, &rc_gen, &len);

	if (t) {
		wsk_resolv_conf_parse(t, len, &rc);
		default_domain(&rc);
	}
	return &rc;
}

const struct wsk_gaiconf *wsk_gaiconf_current(void)
{
	uint32_t len;
	const char *t = changed(WSK_RFILE_GAI, &gc_gen, &len);

	if (t)
		wsk_gai_conf_parse(t, len, &gc);
	return &gc;
}

static int herr_of(int eai)
{
	switch (eai) {
	case WSK_EAI_AGAIN:
		return WSK_TRY_AGAIN;
	case WSK_EAI_NODATA:
		return WSK_NO_DATA;
	case WSK_EAI_FAIL:
		return WSK_NO_RECOVERY;
	default:
		return WSK_HOST_NOT_FOUND;
	}
}

/* A DNS answer as a host entry: the canonical name, the name asked as its
 * alias when a CNAME led elsewhere, A answers before AAAA. */
static void from_dns(const struct wsk_dns_query *q, int af,
		     struct wsk_hostent *out)
{
	const char *asked = q->names[q->name_i];
	const char *canon = asked;
	uint32_t i, j;

	for (i = 0; i < q->nq; i++)
		if (q->rcode[i] == WSK_DNS_OK) {
			canon = q->ans[i].canon;
			break;
		}
	wsk_hostent_init(out, af);
	wsk_hostent_add_name(out, canon, (uint32_t)wsk_strlen(canon));
	if (wsk_strcasecmp(canon, asked) != 0)
		wsk_hostent_add_name(out, asked, (uint32_t)wsk_strlen(asked));
	for (i = 0; i < q->nq; i++) {
		if (q->rcode[i] != WSK_DNS_OK)
			continue;
		for (j = 0; j < q->ans[i].naddrs; j++)
			wsk_hostent_add_addr(out,
					     q->qtypes[i] == WSK_DNS_A ? WSK_AF_INET
								       : WSK_AF_INET6,
					     q->ans[i].addrs[j]);
	}
}

static int dns_name(const char *name, int af, struct wsk_hostent *out)
{
	int qt[2], n = 0, r;

	if (af != WSK_AF_INET6)
		qt[n++] = WSK_DNS_A;
	if (af != WSK_AF_INET)
		qt[n++] = WSK_DNS_AAAA;
	wsk_dns_start(&dnsq, wsk_resconf_current(), name, qt, (uint32_t)n);
	r = wsk_dns_run(&dnsq);
	if (r == 0)
		from_dns(&dnsq, af, out);
	/* res_search starts with HOST_NOT_FOUND and leaves it on success. */
	h_errno_global = r == 0 ? WSK_HOST_NOT_FOUND : herr_of(r);
	return r;
}

/* What a hosts lookup asks: a name, or the address addr of family af;
 * local: without the network (wsk_lookup_name_local). */
struct host_query {
	const char *name;
	int af;
	const uint8_t *addr;
	struct wsk_hostent *out;
	int local;
};

/* One NSS source's try: 0 when it found the host (*herr as the source
 * leaves it), else an EAI code with *herr set. */
typedef int (*nss_try)(const struct host_query *q, int src, int *herr);

/* glibc's walk over the hosts sources: the first that finds answers, and
 * HOST_NOT_FOUND ends the walk where nsswitch.conf says [NOTFOUND=return]. */
static int nss_walk(nss_try attempt, const struct host_query *q, int *herr)
{
	const struct wsk_nss *ns = nss_current();
	uint32_t i;
	int r = WSK_EAI_NONAME;

	*herr = WSK_HOST_NOT_FOUND;
	for (i = 0; i < ns->n; i++) {
		r = attempt(q, ns->src[i], herr);
		if (r == 0 || r == WSK_GAI_LOOKUP)
			return r;
		if (*herr == WSK_HOST_NOT_FOUND && ns->stop_notfound[i])
			break;
	}
	return r;
}

static int try_name(const struct host_query *q, int src, int *herr)
{
	const char *text;
	uint32_t len;
	int r;

	if (src == WSK_NSS_FILES) {
		text = wsk_rfile(WSK_RFILE_HOSTS, &len);
		if (q->local && len > LOCAL_HOSTS_MAX)
			return WSK_GAI_LOOKUP;
		*herr = WSK_HOST_NOT_FOUND;
		if (q->name[0] &&
		    wsk_hosts_byname(text, len, q->name, q->af, q->out))
			return 0;
		return WSK_EAI_NONAME;
	}
	if (!wsk_res_hnok(q->name)) {
		/* nss_dns's check_name: no query for a name that is
		 * no host name ('<broadcast>', "a%b", "-x"). */
		*herr = WSK_HOST_NOT_FOUND;
		return WSK_EAI_NONAME;
	}
	if (!q->name[0]) {
		/* res_search builds no query for "" (nor ".domain"):
		 * NO_RECOVERY, which getaddrinfo reports as NONAME. */
		*herr = h_errno_global = WSK_NO_RECOVERY;
		return WSK_EAI_NONAME;
	}
	if (q->local)
		return WSK_GAI_LOOKUP;
	r = dns_name(q->name, q->af, q->out);
	if (r != 0)
		*herr = herr_of(r);
	else
		*herr = q->af == WSK_AF_UNSPEC ? WSK_HOST_NOT_FOUND : 0;
	return r;
}

int wsk_lookup_name(const char *name, int af, struct wsk_hostent *out,
		    int *herr)
{
	struct host_query q = { name, af, 0, out, 0 };

	return nss_walk(try_name, &q, herr);
}

int wsk_lookup_name_local(const char *name, int af, struct wsk_hostent *out,
			  int *herr)
{
	struct host_query q = { name, af, 0, out, 1 };

	return nss_walk(try_name, &q, herr);
}

static char hexdigit(unsigned v)
{
	return (char)(v < 10 ? '0' + v : 'a' + v - 10);
}

/* The longest reverse name: 32 nibbles, each with its dot, then "ip6.arpa"
 * and the NUL (the in-addr.arpa form is at most 29 bytes). */
#define PTR_NAME (32 * 2 + sizeof "ip6.arpa")

/* "4.3.2.1.in-addr.arpa" or the ip6.arpa nibbles, into PTR_NAME bytes. */
static void ptr_name(int af, const uint8_t *a, char *out)
{
	int i, o = 0;

	if (af == WSK_AF_INET) {
		for (i = 3; i >= 0; i--) {
			unsigned v = a[i];

			if (v >= 100)
				out[o++] = (char)('0' + v / 100);
			if (v >= 10)
				out[o++] = (char)('0' + v / 10 % 10);
			out[o++] = (char)('0' + v % 10);
			out[o++] = '.';
		}
		wsk_memcpy(out + o, "in-addr.arpa", sizeof "in-addr.arpa");
		return;
	}
	for (i = 15; i >= 0; i--) {
		out[o++] = hexdigit(a[i] & 15);
		out[o++] = '.';
		out[o++] = hexdigit(a[i] >> 4);
		out[o++] = '.';
	}
	wsk_memcpy(out + o, "ip6.arpa", sizeof "ip6.arpa");
}

static int dns_addr(int af, const uint8_t *addr, struct wsk_hostent *out)
{
	char name[PTR_NAME];
	int qt = WSK_DNS_PTR, r;
	const char *p;
	uint32_t i;

	ptr_name(af, addr, name);
	wsk_dns_start(&dnsq, wsk_resconf_current(), name, &qt, 1);
	r = wsk_dns_run(&dnsq);
	if (r != 0) {
		h_errno_global = herr_of(r);
		return r;
	}
	wsk_hostent_init(out, af);
	for (i = 0, p = dnsq.ans[0].names; i < dnsq.ans[0].nnames; i++) {
		wsk_hostent_add_name(out, p, (uint32_t)wsk_strlen(p));
		p += wsk_strlen(p) + 1;
	}
	wsk_hostent_add_addr(out, af, addr);
	return 0;
}

static int try_addr(const struct host_query *q, int src, int *herr)
{
	const char *text;
	uint32_t len;
	int r;

	if (src == WSK_NSS_FILES) {
		text = wsk_rfile(WSK_RFILE_HOSTS, &len);
		if (wsk_hosts_byaddr(text, len, q->af, q->addr, q->out))
			return 0;
		r = WSK_EAI_NONAME;
	} else {
		r = dns_addr(q->af, q->addr, q->out);
		if (r == 0)
			return 0;
	}
	*herr = herr_of(r);
	return r;
}

int wsk_lookup_addr(int af, const uint8_t *addr, struct wsk_hostent *out,
		    int *herr)
{
	struct host_query q = { 0, af, addr, out, 0 };

	return nss_walk(try_addr, &q, herr);
}
