/*
 * /etc/protocols as glibc's nss_files reads it: "name number aliases",
 * the first line naming the protocol (exactly, or by an alias) wins.
 */
#include <wasock/core.h>
#include <wasock/resolv.h>

int wsk_protocols_byname(const char *text, uint32_t len, const char *name,
			 int *num)
{
	const char *pos = text, *end = text + len;
	struct wsk_span line, pname, pnum, alias;
	uint32_t v;
	int hit;

	while (wsk_next_line(&pos, end, &line)) {
		if (!wsk_next_field(&line, &pname) ||
		    !wsk_next_field(&line, &pnum) ||
		    !wsk_span_uint(pnum, 0x7fffffff, &v))
			continue;
		hit = wsk_span_is(pname, name);
		while (!hit && wsk_next_field(&line, &alias))
			hit = wsk_span_is(alias, name);
		if (hit) {
			*num = (int)v;
			return 1;
		}
	}
	return 0;
}
