/*
 * gai.conf as glibc 2.36 reads it (sysdeps/posix/getaddrinfo.c,
 * gaiconf_init): label, precedence and scopev4 lines, each table replacing
 * glibc's default only when the file gives at least one entry of its kind.
 * Tables are kept longest prefix first, so the first match is the answer.
 */
#include <wasock/core.h>
#include <wasock/resolv.h>

#define V6(...) { __VA_ARGS__ }

/* glibc's default_labels, default_precedence and default_scopes (the RFC
 * 3484 tables with site-local and ULA labels, not RFC 6724's). */
static const struct wsk_prefix_rule def_label[] = {
	{ V6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), 128, 0 },
	{ V6(0x20, 0x02), 16, 2 },
	{ V6(0), 96, 3 },
	{ V6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff), 96, 4 },
	{ V6(0xfe, 0xc0), 10, 5 },
	{ V6(0xfc), 7, 6 },
	{ V6(0x20, 0x01, 0, 0), 32, 7 },
	{ V6(0), 0, 1 },
};

static const struct wsk_prefix_rule def_prec[] = {
	{ V6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), 128, 50 },
	{ V6(0x20, 0x02), 16, 30 },
	{ V6(0), 96, 20 },
	{ V6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff), 96, 10 },
	{ V6(0), 0, 40 },
};

static const struct wsk_prefix_rule def_scope[] = {
	{ V6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 169, 254), 112, 2 },
	{ V6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127), 104, 2 },
	{ V6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff), 96, 14 },
};

#define N(a) (sizeof a / sizeof a[0])

/* "addr/bits" (IPv6; scopev4 also takes IPv4, stored v4-mapped). */
static int parse_prefix(struct wsk_span f, int v4ok, struct wsk_prefix_rule *r)
{
	char text[WSK_INET6_ADDRSTRLEN];
	uint32_t i, bits;
	struct wsk_span b;

	for (i = 0; i < f.n && f.p[i] != '/'; i++)
		;
	b.p = f.p + i + 1;
	b.n = i < f.n ? f.n - i - 1 : 0;
	f.n = i;
	if (!wsk_span_copy(f, text, sizeof text))
		return 0;
	wsk_memset(r->prefix, 0, 16);
	if (wsk_inet_pton(WSK_AF_INET6, text, r->prefix) == 1) {
		bits = 128;
		if (b.n && !wsk_span_uint(b, 128, &bits))
			return 0;
	} else if (v4ok && wsk_inet_pton(WSK_AF_INET, text, r->prefix + 12) == 1) {
		r->prefix[10] = r->prefix[11] = 0xff;
		bits = 32;
		if (b.n && !wsk_span_uint(b, 32, &bits))
			return 0;
		bits += 96;
	} else {
		return 0;
	}
	r->bits = bits;
	return 1;
}

static int parse_value(struct wsk_span f, int32_t *v)
{
	uint32_t u;

	if (!wsk_span_uint(f, 0x7fffffff, &u))
		return 0;
	*v = (int32_t)u;
	return 1;
}

/* Insertion by prefix length, longest first; ties keep file order. */
static void insert(struct wsk_prefix_rule *t, uint32_t *n,
		   const struct wsk_prefix_rule *r)
{
	uint32_t i = *n;

	if (*n >= WSK_GAI_TABLE)
		return;
	while (i > 0 && t[i - 1].bits < r->bits) {
		t[i] = t[i - 1];
		i--;
	}
	t[i] = *r;
	(*n)++;
}

static void defaults(struct wsk_prefix_rule *t, uint32_t *n,
		     const struct wsk_prefix_rule *d, uint32_t nd)
{
	uint32_t i;

	if (*n)
		return;
	for (i = 0; i < nd; i++)
		insert(t, n, &d[i]);
}

void wsk_gai_conf_parse(const char *text, uint32_t len, struct wsk_gaiconf *gc)
{
	const char *pos = text, *end = text + len;
	struct wsk_span line, key, pf, vf;
	struct wsk_prefix_rule r;

	gc->nlabel = gc->nprec = gc->nscope = 0;
	while (wsk_next_line(&pos, end, &line)) {
		if (!wsk_next_field(&line, &key) || !wsk_next_field(&line, &pf) ||
		    !wsk_next_field(&line, &vf) || !parse_value(vf, &r.value))
			continue;
		if (wsk_span_is(key, "label") && parse_prefix(pf, 0, &r))
			insert(gc->label, &gc->nlabel, &r);
		else if (wsk_span_is(key, "precedence") && parse_prefix(pf, 0, &r))
			insert(gc->prec, &gc->nprec, &r);
		else if (wsk_span_is(key, "scopev4") && parse_prefix(pf, 1, &r) &&
			 r.bits >= 96)
			insert(gc->scope, &gc->nscope, &r);
	}
	defaults(gc->label, &gc->nlabel, def_label, N(def_label));
	defaults(gc->prec, &gc->nprec, def_prec, N(def_prec));
	defaults(gc->scope, &gc->nscope, def_scope, N(def_scope));
}
