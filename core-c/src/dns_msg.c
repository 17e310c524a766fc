/*
 * The DNS message codec (RFC 1035) the stub resolver needs: a query for
 * one name and type, and the checked reading of its answer. Every read is
 * bounds-checked against the message length and every compression pointer
 * jump counted, so a hostile reply ends in WSK_DNS_BAD or
 * WSK_DNS_MISMATCH, never in a read past the buffer or a loop.
 */
#include <wasock/core.h>
#include <wasock/resolv.h>

#define HDR 12 /* the fixed header: id, flags and four counts */
/* Compression pointers followed within one name. An honest message needs a
 * few; the bound ends a pointer loop of a hostile reply as malformed. */
#define MAX_JUMPS 64
/* CNAME hops followed from the question to the addresses. Each hop rescans
 * the answers, so the bound caps that work and ends a CNAME loop. */
#define MAX_CHAIN 16

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Encodes name (dotted, optional final dot) as labels; length or -1. */
static int encode_name(const char *name, uint8_t *out, uint32_t size)
{
	uint32_t n = 0, start;
	const char *p = name;

	if (p[0] == '.' && p[1] == 0)
		p++;
	while (*p) {
		start = n++;
		while (*p && *p != '.') {
			if (n >= size || n - start > 63)
				return -1;
			out[n++] = (uint8_t)*p++;
		}
		if (n - start - 1 == 0)
			return -1; /* an empty label: "a..b" or ".a" */
		out[start] = (uint8_t)(n - start - 1);
		if (*p == '.')
			p++;
	}
	if (n >= size || n + 1 > 255)
		return -1;
	out[n++] = 0;
	return (int)n;
}

static int is_hn_char(unsigned c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z') || c == '-' || c == '_';
}

/* glibc resolv/res-name-checking.c over ns_name_pton (res_comp's rules,
 * 255-byte buffer): bp counts the wire bytes pton would have written, and
 * the label bytes are checked as they are decoded instead of stored. */
int wsk_res_hnok(const char *name)
{
	const unsigned char *s = (const unsigned char *)name;
	uint32_t bp = 1, label = 0, len, first = 1;
	unsigned c, i, v;

	for (; *s; s++)
		if (*s <= ' ' || *s > '~')
			return 0;
	s = (const unsigned char *)name;
	while ((c = *s++) != 0) {
		if (c == '\\') {
			c = *s++;
			if (c == 0)
				return 0; /* a final lone '\' */
			if (c >= '0' && c <= '9') {
				v = c - '0';
				for (i = 0; i < 2; i++) {
					c = *s++;
					if (c < '0' || c > '9')
						return 0;
					v = v * 10 + (c - '0');
				}
				if (v > 255)
					return 0;
				c = v;
			}
		} else if (c == '.') {
			len = bp - label - 1;
			if (len > 63 || label >= 255)
				return 0;
			if (*s == 0) /* fully qualified, or "." alone */
				return len == 0 || bp + 1 <= 255;
			if (len == 0 || *s == '.')
				return 0;
			label = bp++;
			first = 0;
			continue;
		}
		if (bp >= 255)
			return 0;
		if (!is_hn_char(c) || (first && bp == 1 && c == '-'))
			return 0;
		bp++;
	}
	len = bp - label - 1;
	if (len > 63 || label >= 255)
		return 0;
	if (len != 0)
		bp++;
	return bp <= 255;
}

int wsk_dns_mkquery(const char *name, int qtype, uint16_t id, uint8_t *buf,
		    uint32_t size)
{
	int n;

	if (size < HDR + 5)
		return -1;
	wsk_memset(buf, 0, HDR);
	put16(buf, id);
	buf[2] = 0x01; /* RD */
	put16(buf + 4, 1);
	n = encode_name(name, buf + HDR, size - HDR - 4);
	if (n < 0)
		return -1;
	put16(buf + HDR + n, (uint16_t)qtype);
	put16(buf + HDR + n + 2, 1); /* IN */
	return HDR + n + 4;
}

int wsk_dns_name(const uint8_t *msg, uint32_t len, uint32_t off, char *out,
		 uint32_t size)
{
	uint32_t o = 0, end = 0, jumps = 0, l;

	if (size == 0)
		return -1;
	for (;;) {
		if (off >= len)
			return -1;
		l = msg[off];
		if ((l & 0xc0) == 0xc0) {
			if (off + 1 >= len || ++jumps > MAX_JUMPS)
				return -1;
			if (!end)
				end = off + 2;
			off = (l & 0x3f) << 8 | msg[off + 1];
			continue;
		}
		if (l & 0xc0)
			return -1; /* 0x40/0x80: extended label types */
		if (l == 0)
			break;
		if (off + 1 + l > len || o + l + 2 > size || o + l + 1 > 254)
			return -1;
		if (o)
			out[o++] = '.';
		wsk_memcpy(out + o, msg + off + 1, l);
		o += l;
		off += 1 + l;
	}
	out[o] = 0;
	return (int)(end ? end : off + 1);
}

/* Names compare without case and without a final dot. */
static int same_name(const char *a, const char *b)
{
	uint32_t la = (uint32_t)wsk_strlen(a), lb = (uint32_t)wsk_strlen(b);
	uint32_t i;

	if (la && a[la - 1] == '.')
		la--;
	if (lb && b[lb - 1] == '.')
		lb--;
	if (la != lb)
		return 0;
	for (i = 0; i < la; i++) {
		char x = a[i], y = b[i];

		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y)
			return 0;
	}
	return 1;
}

struct rr {
	char owner[WSK_DNAME_MAX];
	uint16_t type, klass;
	uint32_t rdoff, rdlen;
};

/* One resource record at *off; 0 and *off advanced, or -1. */
static int read_rr(const uint8_t *msg, uint32_t len, uint32_t *off,
		   struct rr *rr)
{
	int o = wsk_dns_name(msg, len, *off, rr->owner, sizeof rr->owner);

	if (o < 0 || (uint32_t)o + 10 > len)
		return -1;
	rr->type = get16(msg + o);
	rr->klass = get16(msg + o + 2);
	rr->rdlen = get16(msg + o + 8);
	rr->rdoff = (uint32_t)o + 10;
	if (rr->rdoff + rr->rdlen > len)
		return -1;
	*off = rr->rdoff + rr->rdlen;
	return 0;
}

/* The question: it must be the one asked. */
static int check_question(const uint8_t *msg, uint32_t len, const char *qname,
			  int qtype)
{
	char name[WSK_DNAME_MAX];
	int o;

	if (get16(msg + 4) != 1)
		return WSK_DNS_MISMATCH;
	o = wsk_dns_name(msg, len, HDR, name, sizeof name);
	if (o < 0 || (uint32_t)o + 4 > len)
		return WSK_DNS_BAD;
	if (!same_name(name, qname) || get16(msg + o) != qtype ||
	    get16(msg + o + 2) != 1)
		return WSK_DNS_MISMATCH;
	return -(o + 4);
}

/* Follows CNAMEs from qname through the answer section; canon gets the end. */
static int follow_chain(const uint8_t *msg, uint32_t len, uint32_t start,
			uint32_t ancount, char *canon)
{
	uint32_t hops, i, off;
	struct rr rr;
	int moved;

	for (hops = 0; hops < MAX_CHAIN; hops++) {
		moved = 0;
		for (i = 0, off = start; i < ancount; i++) {
			if (read_rr(msg, len, &off, &rr) < 0)
				return -1;
			if (rr.type != WSK_DNS_CNAME || rr.klass != 1 ||
			    !same_name(rr.owner, canon))
				continue;
			if (wsk_dns_name(msg, len, rr.rdoff, canon,
					 WSK_DNAME_MAX) < 0)
				return -1;
			moved = 1;
			break;
		}
		if (!moved)
			return 0;
	}
	return 1; /* a loop, or a chain too long to follow */
}

static int collect(const uint8_t *msg, uint32_t len, uint32_t start,
		   uint32_t ancount, int qtype, struct wsk_dns_answer *ans)
{
	uint32_t i, off = start, alen = qtype == WSK_DNS_A ? 4 : 16;
	struct rr rr;

	for (i = 0; i < ancount; i++) {
		if (read_rr(msg, len, &off, &rr) < 0)
			return -1;
		if (rr.type != qtype || rr.klass != 1 ||
		    !same_name(rr.owner, ans->canon))
			continue;
		if (qtype == WSK_DNS_PTR) {
			char name[WSK_DNAME_MAX];

			if (wsk_dns_name(msg, len, rr.rdoff, name, sizeof name) < 0)
				return -1;
			if (ans->nnames < 16) {
				uint32_t at = 0, k;

				for (k = 0; k < ans->nnames; k++)
					at += (uint32_t)wsk_strlen(ans->names + at) + 1;
				if (at + wsk_strlen(name) + 1 <= sizeof ans->names) {
					wsk_memcpy(ans->names + at, name,
						   wsk_strlen(name) + 1);
					ans->nnames++;
				}
			}
			continue;
		}
		if (rr.rdlen != alen)
			return -1;
		if (ans->naddrs < WSK_HOST_ADDRS)
			wsk_memcpy(ans->addrs[ans->naddrs++], msg + rr.rdoff, alen);
	}
	return 0;
}

int wsk_dns_parse(const uint8_t *msg, uint32_t len, uint16_t id,
		  const char *qname, int qtype, struct wsk_dns_answer *ans)
{
	uint32_t ancount;
	int r, rcode;

	ans->naddrs = 0;
	ans->nnames = 0;
	ans->canon[0] = 0;
	if (len < HDR || get16(msg) != id || !(msg[2] & 0x80))
		return WSK_DNS_MISMATCH;
	r = check_question(msg, len, qname, qtype);
	if (r >= 0)
		return r;
	if (msg[2] & 0x02)
		return WSK_DNS_TRUNC;
	rcode = msg[3] & 0x0f;
	if (rcode == 3)
		return WSK_DNS_NXDOMAIN;
	if (rcode != 0)
		return WSK_DNS_SERVFAIL;
	ancount = get16(msg + 6);
	if (!wsk_span_copy((struct wsk_span){ qname, (uint32_t)wsk_strlen(qname) },
			   ans->canon, sizeof ans->canon))
		return WSK_DNS_BAD;
	r = follow_chain(msg, len, (uint32_t)-r, ancount, ans->canon);
	if (r < 0)
		return WSK_DNS_BAD;
	if (collect(msg, len, (uint32_t)-check_question(msg, len, qname, qtype),
		    ancount, qtype, ans) < 0)
		return WSK_DNS_BAD;
	if (qtype == WSK_DNS_PTR)
		return ans->nnames ? WSK_DNS_OK : WSK_DNS_NODATA;
	return ans->naddrs ? WSK_DNS_OK : WSK_DNS_NODATA;
}
