/*
 * inet_pton with exactly glibc's acceptance rules (resolv/inet_pton.c):
 *  - IPv4: four decimal parts 0..255, no leading zeros ("01" is rejected),
 *    nothing before, between or after them but single dots;
 *  - IPv6: at most one "::", groups of 1..4 hex digits, an optional dotted
 *    quad in the last 32 bits, no trailing single colon, and "::" must stand
 *    for at least one zero group.
 */
#include <wasock/core.h>

enum { EAFNOSUPPORT_ = 97 };

/* Parses the dotted quad in [s, end) into 4 bytes at dst. */
static int pton4(const char *s, const char *end, unsigned char *dst)
{
	unsigned char tmp[4];
	unsigned val = 0;
	int parts = 0, digits = 0;

	for (; s < end; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= '0' && c <= '9') {
			/* A second digit after a leading zero is a leading zero. */
			if (digits && val == 0)
				return 0;
			val = val * 10 + (c - '0');
			if (val > 255)
				return 0;
			digits++;
		} else if (c == '.' && digits) {
			if (parts == 3)
				return 0;
			tmp[parts++] = (unsigned char)val;
			val = 0;
			digits = 0;
		} else {
			return 0;
		}
	}
	if (parts != 3 || !digits)
		return 0;
	tmp[3] = (unsigned char)val;
	wsk_memcpy(dst, tmp, 4);
	return 1;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int pton6(const char *s, const char *end, unsigned char *dst)
{
	unsigned char tmp[16] = { 0 };
	int pos = 0, gap = -1, ndig = 0;
	unsigned val = 0;
	const char *tok;

	if (s == end)
		return 0;
	/* A leading colon is only valid as the first half of "::". */
	if (*s == ':' && (++s == end || *s != ':'))
		return 0;
	tok = s;
	while (s < end) {
		int c = (unsigned char)*s++;
		int d = hexval((unsigned char)c);

		if (d >= 0) {
			if (ndig == 4)
				return 0;
			val = val << 4 | (unsigned)d;
			ndig++;
			continue;
		}
		if (c == ':') {
			tok = s;
			if (!ndig) {
				if (gap >= 0)
					return 0;
				gap = pos;
				continue;
			}
			if (s == end || pos + 2 > 16)
				return 0;
			tmp[pos++] = (unsigned char)(val >> 8);
			tmp[pos++] = (unsigned char)val;
			ndig = 0;
			val = 0;
			continue;
		}
		/* A dotted quad ends the address: it is re-read from its token. */
		if (c == '.' && pos + 4 <= 16 && pton4(tok, end, tmp + pos)) {
			pos += 4;
			ndig = 0;
			break;
		}
		return 0;
	}
	if (ndig) {
		if (pos + 2 > 16)
			return 0;
		tmp[pos++] = (unsigned char)(val >> 8);
		tmp[pos++] = (unsigned char)val;
	}
	if (gap >= 0) {
		int n = pos - gap, i;

		/* "::" must expand to at least one group. */
		if (pos == 16)
			return 0;
		for (i = 1; i <= n; i++) {
			tmp[16 - i] = tmp[gap + n - i];
			tmp[gap + n - i] = 0;
		}
		pos = 16;
	}
	if (pos != 16)
		return 0;
	wsk_memcpy(dst, tmp, 16);
	return 1;
}

WSK_EXPORT("wsk_inet_pton")
int wsk_inet_pton(int af, const char *src, void *dst)
{
	const char *end = src + wsk_strlen(src);

	switch (af) {
	case WSK_AF_INET:
		return pton4(src, end, dst);
	case WSK_AF_INET6:
		return pton6(src, end, dst);
	default:
		return -EAFNOSUPPORT_;
	}
}
