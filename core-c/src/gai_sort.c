/*
 * glibc 2.36's destination address ordering (rfc3484_sort in
 * sysdeps/posix/getaddrinfo.c), rule for rule with its default or gai.conf
 * tables. Rules 3, 4 and 7 need address flags glibc reads from netlink
 * (deprecated, home, native transport); the host does not report them, so
 * they never decide here, as on hosts without such addresses. Rule 9 keeps
 * glibc's comparison direction exactly, quirk included.
 */
#include <wasock/core.h>
#include <wasock/resolv.h>

/* The address as glibc's tables see it: IPv4 as v4-mapped IPv6. */
static void as_v6(const struct wsk_haddr *a, uint8_t *out)
{
	if (a->family == WSK_AF_INET6) {
		wsk_memcpy(out, a->addr, 16);
		return;
	}
	wsk_memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	wsk_memcpy(out + 12, a->addr, 4);
}

static int prefix_match(const uint8_t *a, const struct wsk_prefix_rule *r)
{
	uint32_t full = r->bits / 8, rest = r->bits % 8;

	if (wsk_memcmp(a, r->prefix, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[full] ^ r->prefix[full]) & (0xff00 >> rest) & 0xff) == 0;
}

static int lookup(const struct wsk_prefix_rule *t, uint32_t n,
		  const struct wsk_haddr *a)
{
	uint8_t v6[16];
	uint32_t i;

	as_v6(a, v6);
	for (i = 0; i < n; i++)
		if (prefix_match(v6, &t[i]))
			return t[i].value;
	return -1;
}

/* glibc's get_scope. */
static int scope(const struct wsk_haddr *a, const struct wsk_gaiconf *gc)
{
	const uint8_t *b = a->addr;
	static const uint8_t lo[16] = { 0, 0, 0, 0, 0, 0, 0, 0,
					0, 0, 0, 0, 0, 0, 0, 1 };

	if (a->family == WSK_AF_INET)
		return lookup(gc->scope, gc->nscope, a);
	if (b[0] == 0xff)
		return b[1] & 0xf;
	if ((b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||
	    wsk_memcmp(b, lo, 16) == 0)
		return 2;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
		return 5;
	return 14;
}

static int fls32(uint32_t v)
{
	int n = 0;

	while (v) {
		n++;
		v >>= 1;
	}
	return n;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int bits_v4(const struct wsk_sort_item *a)
{
	uint32_t d = be32(a->dst.addr), s = be32(a->src.addr);
	/* x86 shifts by 32 as by 0: glibc's mask for an unknown prefix. */
	uint32_t mask = a->src_prefixlen == 0 ? 0xffffffffu
					      : 0xffffffffu << (32 - a->src_prefixlen);

	return (s & mask) == (d & mask) ? fls32(d ^ s) : 0;
}

/* Rule 9. */
static int longest_prefix(const struct wsk_sort_item *a,
			  const struct wsk_sort_item *b)
{
	int bit1 = 0, bit2 = 0, i;

	if (a->dst.family == WSK_AF_INET) {
		bit1 = bits_v4(a);
		bit2 = bits_v4(b);
	} else {
		for (i = 0; i < 16; i += 4)
			if (be32(a->dst.addr + i) != be32(a->src.addr + i) ||
			    be32(b->dst.addr + i) != be32(b->src.addr + i))
				break;
		if (i < 16) {
			bit1 = fls32(be32(a->dst.addr + i) ^ be32(a->src.addr + i));
			bit2 = fls32(be32(b->dst.addr + i) ^ be32(b->src.addr + i));
		}
	}
	return bit1 > bit2 ? -1 : bit1 < bit2 ? 1 : 0;
}

/* "a before b" in glibc's terms: < 0. Never 0 (rule 10: input order). */
static int compare(const struct wsk_sort_item *a, const struct wsk_sort_item *b,
		   const struct wsk_gaiconf *gc)
{
	int ds1 = scope(&a->dst, gc), ds2 = scope(&b->dst, gc);
	int p1, p2, r;

	if (a->has_src != b->has_src)
		return a->has_src ? -1 : 1;
	if (a->has_src) {
		int m1 = ds1 == scope(&a->src, gc), m2 = ds2 == scope(&b->src, gc);
		int l1, l2;

		if (m1 != m2)
			return m1 ? -1 : 1;
		l1 = lookup(gc->label, gc->nlabel, &a->dst) ==
		     lookup(gc->label, gc->nlabel, &a->src);
		l2 = lookup(gc->label, gc->nlabel, &b->dst) ==
		     lookup(gc->label, gc->nlabel, &b->src);
		if (l1 != l2)
			return l1 ? -1 : 1;
	}
	p1 = lookup(gc->prec, gc->nprec, &a->dst);
	p2 = lookup(gc->prec, gc->nprec, &b->dst);
	if (p1 != p2)
		return p1 > p2 ? -1 : 1;
	if (ds1 != ds2)
		return ds1 < ds2 ? -1 : 1;
	if (a->has_src && a->dst.family == b->dst.family) {
		r = longest_prefix(a, b);
		if (r)
			return r;
	}
	return a->index < b->index ? -1 : 1;
}

/* Insertion sort: at most WSK_HOST_ADDRS items, and mostly in order. */
void wsk_gai_sort(struct wsk_sort_item *items, uint32_t n,
		  const struct wsk_gaiconf *gc)
{
	uint32_t i, j;

	for (i = 1; i < n; i++) {
		struct wsk_sort_item t = items[i];

		for (j = i; j > 0 && compare(&t, &items[j - 1], gc) < 0; j--)
			items[j] = items[j - 1];
		items[j] = t;
	}
}
