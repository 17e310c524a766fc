/*
 * inet_aton with glibc's acceptance rules (resolv/inet_addr.c):
 *  - 1 to 4 parts: a (32 bits), a.b (8.24), a.b.c (8.8.16), a.b.c.d;
 *  - each part is a C integer as strtoul(base 0) reads it: 0x/0X hex, a
 *    leading 0 octal, else decimal; it must start with a decimal digit;
 *  - the address may be followed by an ASCII space character and then
 *    anything at all ("1.2.3.4 junk" is accepted).
 * strtoul consumes the longest valid prefix, so "0x" reads as 0 followed by
 * the junk "x", and "08" as 0 followed by "8"; both are then rejected as
 * trailing garbage. Values over 32 bits are rejected however they are
 * written, including overlong runs of leading zeros (which are fine).
 */
#include <wasock/core.h>

static int isspace_ascii(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int digit_in_base(unsigned char c, unsigned base)
{
	int d;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'z')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'Z')
		d = c - 'A' + 10;
	else
		return -1;
	return (unsigned)d < base ? d : -1;
}

/*
 * Reads one part like strtoul(s, &end, 0), given that *s is a decimal digit.
 * Returns the end, with *val set, *big set when the value exceeds 32 bits.
 */
static const char *read_part(const char *s, uint32_t *val, int *big)
{
	unsigned base = 10;
	uint64_t v = 0;
	int d;

	if (s[0] == '0') {
		base = 8;
		/* "0x" counts as a prefix only if a hex digit follows it. */
		if ((s[1] == 'x' || s[1] == 'X') &&
		    digit_in_base((unsigned char)s[2], 16) >= 0) {
			base = 16;
			s += 2;
		}
	}
	*big = 0;
	for (; (d = digit_in_base((unsigned char)*s, base)) >= 0; s++) {
		v = v * base + (unsigned)d;
		if (v > 0xffffffffu) {
			*big = 1;
			v = 0xffffffffu;
		}
	}
	*val = (uint32_t)v;
	return s;
}

WSK_EXPORT("wsk_inet_aton")
int wsk_inet_aton(const char *cp, uint32_t *addr_be)
{
	/* The largest value the last part may take after n dotted parts. */
	static const uint32_t max[4] = { 0xffffffffu, 0xffffffu, 0xffffu, 0xffu };
	unsigned char bytes[4] = { 0 };
	int parts = 0, big;
	uint32_t val, host;

	for (;;) {
		if (*cp < '0' || *cp > '9')
			return 0;
		cp = read_part(cp, &val, &big);
		if (big)
			return 0;
		if (*cp != '.')
			break;
		if (parts > 2 || val > 0xff)
			return 0;
		bytes[parts++] = (unsigned char)val;
		cp++;
	}
	if (*cp && !isspace_ascii((unsigned char)*cp))
		return 0;
	if (val > max[parts])
		return 0;
	host = (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 |
	       (uint32_t)bytes[2] << 8 | bytes[3];
	if (addr_be)
		*addr_be = wsk_htonl(host | val);
	return 1;
}
