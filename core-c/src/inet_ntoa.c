/*
 * inet_ntoa into a caller buffer: the dotted quad of a network-order
 * address, as glibc prints it ("%d.%d.%d.%d" of the four bytes).
 */
#include <wasock/core.h>

static char *put_dec(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

WSK_EXPORT("wsk_inet_ntoa")
void wsk_inet_ntoa(uint32_t addr_be, char *out)
{
	const unsigned char *b = (const unsigned char *)&addr_be;
	int i;

	for (i = 0; i < 4; i++) {
		if (i)
			*out++ = '.';
		out = put_dec(out, b[i]);
	}
	*out = 0;
}
