/*
 * /etc/hosts as glibc 2.36's nss_files answers (nss/nss_files/files-hosts.c):
 * lookups by name merge every matching line ("multi on", Debian's
 * host.conf): the first line gives h_name, later lines add their aliases
 * and, when it differs, their h_name; addresses are kept in file order,
 * duplicates included. A lookup by address takes the first line only.
 *
 * For an AF_INET lookup glibc reads a v4-mapped IPv6 line as its IPv4
 * address and "::1" as 127.0.0.1; for AF_INET6, IPv4 lines are skipped.
 */
#include <wasock/core.h>
#include <wasock/resolv.h>

void wsk_hostent_init(struct wsk_hostent *h, int af)
{
	h->family = af;
	h->naddrs = 0;
	h->nnames = 0;
	h->names[0] = 0;
}

/* The offset just past the names already stored. */
static uint32_t names_end(const struct wsk_hostent *h)
{
	uint32_t off = 0, i;

	for (i = 0; i < h->nnames; i++)
		off += (uint32_t)wsk_strlen(h->names + off) + 1;
	return off;
}

int wsk_hostent_add_name(struct wsk_hostent *h, const char *s, uint32_t n)
{
	uint32_t off = names_end(h);

	if (off + n + 1 > sizeof h->names)
		return 0;
	wsk_memcpy(h->names + off, s, n);
	h->names[off + n] = 0;
	h->nnames++;
	return 1;
}

int wsk_hostent_add_addr(struct wsk_hostent *h, int af, const uint8_t *a)
{
	struct wsk_haddr *d;

	if (h->naddrs >= WSK_HOST_ADDRS)
		return 0;
	d = &h->addrs[h->naddrs++];
	wsk_memset(d, 0, sizeof *d);
	d->family = af;
	wsk_memcpy(d->addr, a, af == WSK_AF_INET ? 4 : 16);
	return 1;
}

static int is_v4mapped(const uint8_t *a)
{
	static const uint8_t p[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return wsk_memcmp(a, p, 12) == 0;
}

static int is_loopback6(const uint8_t *a)
{
	static const uint8_t lo[16] = { 0, 0, 0, 0, 0, 0, 0, 0,
					0, 0, 0, 0, 0, 0, 0, 1 };

	return wsk_memcmp(a, lo, 16) == 0;
}

/* The address field read for a lookup of family af (0: any); returns the
 * family it is taken as, or 0 when glibc ignores the line. */
static int line_addr(struct wsk_span f, int af, uint8_t *addr)
{
	char text[WSK_INET6_ADDRSTRLEN];

	if (!wsk_span_copy(f, text, sizeof text))
		return 0;
	if (af != WSK_AF_INET6 && wsk_inet_pton(WSK_AF_INET, text, addr) == 1)
		return WSK_AF_INET;
	if (wsk_inet_pton(WSK_AF_INET6, text, addr) != 1)
		return 0;
	if (af != WSK_AF_INET)
		return WSK_AF_INET6;
	if (is_v4mapped(addr)) {
		wsk_memcpy(addr, addr + 12, 4);
		return WSK_AF_INET;
	}
	if (is_loopback6(addr)) {
		static const uint8_t lo4[4] = { 127, 0, 0, 1 };

		wsk_memcpy(addr, lo4, 4);
		return WSK_AF_INET;
	}
	return 0;
}

struct hline {
	int af;
	uint8_t addr[16];
	struct wsk_span field; /* the address, as written */
	struct wsk_span name;
	struct wsk_span aliases;
};

/* The line's fields; the address is converted by line_addr, so a lookup by
 * name converts only the lines whose names match (a block list of 100k
 * lines is mostly lines that do not). */
static int split_line(struct wsk_span line, struct hline *h)
{
	if (!wsk_next_field(&line, &h->field))
		return 0;
	if (!wsk_next_field(&line, &h->name)) {
		h->name.p = h->field.p;
		h->name.n = 0;
	}
	h->aliases = line;
	return 1;
}

static int line_names(const struct hline *h, const char *name)
{
	struct wsk_span rest = h->aliases, a;

	if (wsk_span_is_nocase(h->name, name))
		return 1;
	while (wsk_next_field(&rest, &a))
		if (wsk_span_is_nocase(a, name))
			return 1;
	return 0;
}

static void add_aliases(struct wsk_hostent *out, struct wsk_span rest)
{
	struct wsk_span a;

	while (wsk_next_field(&rest, &a))
		wsk_hostent_add_name(out, a.p, a.n);
}

/* A later matching line: its aliases, then its own h_name if it differs. */
static void merge(struct wsk_hostent *out, const struct hline *h)
{
	add_aliases(out, h->aliases);
	if (!wsk_span_is(h->name, out->names))
		wsk_hostent_add_name(out, h->name.p, h->name.n);
}

int wsk_hosts_byname(const char *text, uint32_t len, const char *name,
		     int af, struct wsk_hostent *out)
{
	const char *pos = text, *end = text + len;
	struct wsk_span line;
	struct hline h;
	int found = 0;

	wsk_hostent_init(out, af);
	while (wsk_next_line(&pos, end, &line)) {
		if (!split_line(line, &h) || !line_names(&h, name))
			continue;
		h.af = line_addr(h.field, af, h.addr);
		if (!h.af)
			continue;
		if (!found) {
			wsk_hostent_add_name(out, h.name.p, h.name.n);
			add_aliases(out, h.aliases);
		} else if (af != WSK_HOSTS_ANY) {
			merge(out, &h);
		}
		wsk_hostent_add_addr(out, h.af, h.addr);
		found = 1;
	}
	return found;
}

int wsk_hosts_byaddr(const char *text, uint32_t len, int af,
		     const uint8_t *addr, struct wsk_hostent *out)
{
	const char *pos = text, *end = text + len;
	uint32_t alen = af == WSK_AF_INET ? 4 : 16;
	struct wsk_span line;
	struct hline h;

	wsk_hostent_init(out, af);
	while (wsk_next_line(&pos, end, &line)) {
		if (!split_line(line, &h))
			continue;
		h.af = line_addr(h.field, af, h.addr);
		if (h.af != af || wsk_memcmp(h.addr, addr, alen) != 0)
			continue;
		wsk_hostent_add_name(out, h.name.p, h.name.n);
		add_aliases(out, h.aliases);
		wsk_hostent_add_addr(out, af, addr);
		return 1;
	}
	return 0;
}
