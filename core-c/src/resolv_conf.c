/*
 * resolv.conf as glibc 2.36 reads it (resolv/res_init.c): nameserver (at
 * most 3, IPv4 or IPv6 with %scope), domain and search (the last one wins;
 * at most 6 names here), options ndots/timeout/attempts (clamped to glibc's
 * maxima), rotate and use-vc. A wasock extension, ignored by glibc since
 * it is not an address there: "nameserver [addr]:port" for a non-53 port
 * (how tests and sandboxes pin a local server).
 */
#include <wasock/core.h>
#include <wasock/resolv.h>

static void defaults(struct wsk_resconf *rc)
{
	wsk_memset(rc, 0, sizeof *rc);
	rc->ndots = 1;
	rc->timeout = 5;
	rc->attempts = 2;
}

/* A nameserver field's "addr%scope": the address, '%' and a scope (digits
 * are read; an interface name is skipped, as it needs the host), with
 * room. A longer field is no nameserver, and glibc skips it too. */
#define NS_TEXT 80

/* "addr", "addr%scope" or "[addr]:port" / "[addr]". */
static int parse_ns(struct wsk_span f, struct wsk_nameserver *ns)
{
	char text[NS_TEXT];
	struct wsk_span port = { 0, 0 };
	uint32_t v = 53, i;

	if (f.n && f.p[0] == '[') {
		for (i = 1; i < f.n && f.p[i] != ']'; i++)
			;
		if (i == f.n)
			return 0;
		if (i + 1 < f.n) {
			if (f.p[i + 1] != ':')
				return 0;
			port.p = f.p + i + 2;
			port.n = f.n - i - 2;
			if (!wsk_span_uint(port, 65535, &v) || v == 0)
				return 0;
		}
		f.p++;
		f.n = i - 1;
	}
	if (!wsk_span_copy(f, text, sizeof text))
		return 0;
	wsk_memset(ns, 0, sizeof *ns);
	ns->port = (uint16_t)v;
	if (wsk_inet_aton(text, (uint32_t *)(void *)ns->addr) &&
	    wsk_inet_pton(WSK_AF_INET, text, ns->addr) == 1) {
		ns->family = WSK_AF_INET;
		return 1;
	}
	for (i = 0; text[i] && text[i] != '%'; i++)
		;
	if (text[i] == '%') {
		struct wsk_span s = { text + i + 1,
				      (uint32_t)wsk_strlen(text + i + 1) };

		/* An interface name needs the host: numbers only here. */
		if (!wsk_span_uint(s, 0xffffffffu, &ns->scope_id))
			ns->scope_id = 0;
		text[i] = 0;
	}
	if (wsk_inet_pton(WSK_AF_INET6, text, ns->addr) != 1)
		return 0;
	ns->family = WSK_AF_INET6;
	return 1;
}

static void set_search(struct wsk_resconf *rc, struct wsk_span rest)
{
	struct wsk_span f;

	rc->nsearch = 0;
	while (rc->nsearch < WSK_MAXDNSRCH && wsk_next_field(&rest, &f))
		if (wsk_span_copy(f, rc->search[rc->nsearch],
				  WSK_DNAME_MAX))
			rc->nsearch++;
}

/* "name:value" with value clamped to max. */
static int option_value(struct wsk_span f, const char *name, uint32_t max,
			uint32_t *out)
{
	uint32_t n = (uint32_t)wsk_strlen(name), v = 0, i;

	if (f.n <= n || wsk_memcmp(f.p, name, n) != 0)
		return 0;
	for (i = n; i < f.n && f.p[i] >= '0' && f.p[i] <= '9'; i++)
		if (v < 1000000)
			v = v * 10 + (uint32_t)(f.p[i] - '0');
	*out = v > max ? max : v;
	return 1;
}

static void options(struct wsk_resconf *rc, struct wsk_span rest)
{
	struct wsk_span f;
	uint32_t v;

	while (wsk_next_field(&rest, &f)) {
		if (option_value(f, "ndots:", 15, &v))
			rc->ndots = v;
		else if (option_value(f, "timeout:", 30, &v))
			rc->timeout = v ? v : 1;
		else if (option_value(f, "attempts:", 5, &v))
			rc->attempts = v ? v : 1;
		else if (wsk_span_is(f, "rotate"))
			rc->rotate = 1;
		else if (wsk_span_is(f, "use-vc"))
			rc->use_vc = 1;
	}
}

void wsk_resolv_conf_parse(const char *text, uint32_t len,
			   struct wsk_resconf *rc)
{
	const char *pos = text, *end = text + len;
	struct wsk_span line, key, f;

	defaults(rc);
	while (wsk_next_line(&pos, end, &line)) {
		if (line.n && line.p[0] == ';')
			continue;
		if (!wsk_next_field(&line, &key))
			continue;
		if (wsk_span_is(key, "nameserver")) {
			if (rc->nns < WSK_MAXNS && wsk_next_field(&line, &f) &&
			    parse_ns(f, &rc->ns[rc->nns]))
				rc->nns++;
		} else if (wsk_span_is(key, "domain")) {
			if (wsk_next_field(&line, &f)) {
				f.n = f.n < 255 ? f.n : 255;
				set_search(rc, f);
			}
		} else if (wsk_span_is(key, "search")) {
			set_search(rc, line);
		} else if (wsk_span_is(key, "options")) {
			options(rc, line);
		}
	}
	if (rc->nns == 0) {
		rc->ns[0].family = WSK_AF_INET;
		rc->ns[0].addr[0] = 127;
		rc->ns[0].addr[3] = 1;
		rc->ns[0].port = 53;
		rc->nns = 1;
	}
}
