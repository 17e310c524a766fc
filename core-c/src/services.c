/*
 * /etc/services as glibc's nss_files reads it: "name port/proto aliases",
 * the first matching line wins, names and protocols compared exactly.
 */
#include <wasock/core.h>
#include <wasock/resolv.h>

/* "port/proto": the port (strtoul-like, up to 65535 kept as glibc's
 * htons truncation would) and the protocol span. */
static int port_proto(struct wsk_span f, uint32_t *port, struct wsk_span *proto)
{
	uint32_t i, v = 0;

	for (i = 0; i < f.n && f.p[i] >= '0' && f.p[i] <= '9'; i++)
		v = (v * 10 + (uint32_t)(f.p[i] - '0')) & 0xffffffu;
	if (i == 0 || i >= f.n || f.p[i] != '/')
		return 0;
	*port = v & 0xffff;
	proto->p = f.p + i + 1;
	proto->n = f.n - i - 1;
	return proto->n > 0;
}

/* Parses one line; 1 when it is a service entry. rest keeps the aliases. */
static int entry(struct wsk_span *line, struct wsk_span *name,
		 uint32_t *port, struct wsk_span *proto)
{
	struct wsk_span pp;

	if (!wsk_next_field(line, name) || !wsk_next_field(line, &pp))
		return 0;
	return port_proto(pp, port, proto);
}

static int fill(struct wsk_span name, uint32_t port, struct wsk_span proto,
		struct wsk_servent *out)
{
	if (!wsk_span_copy(name, out->name, sizeof out->name) ||
	    !wsk_span_copy(proto, out->proto, sizeof out->proto))
		return 0;
	out->port = (int32_t)port;
	return 1;
}

static int names_match(struct wsk_span name, struct wsk_span aliases,
		       const char *want)
{
	struct wsk_span a;

	if (wsk_span_is(name, want))
		return 1;
	while (wsk_next_field(&aliases, &a))
		if (wsk_span_is(a, want))
			return 1;
	return 0;
}

int wsk_services_byname(const char *text, uint32_t len, const char *name,
			const char *proto, struct wsk_servent *out)
{
	const char *pos = text, *end = text + len;
	struct wsk_span line, sname, sproto;
	uint32_t port;

	while (wsk_next_line(&pos, end, &line)) {
		if (!entry(&line, &sname, &port, &sproto))
			continue;
		if (proto && !wsk_span_is(sproto, proto))
			continue;
		if (names_match(sname, line, name) &&
		    fill(sname, port, sproto, out))
			return 1;
	}
	return 0;
}

int wsk_services_byport(const char *text, uint32_t len, int port,
			const char *proto, struct wsk_servent *out)
{
	const char *pos = text, *end = text + len;
	struct wsk_span line, sname, sproto;
	uint32_t p;

	while (wsk_next_line(&pos, end, &line)) {
		if (!entry(&line, &sname, &p, &sproto))
			continue;
		if ((int)p != port || (proto && !wsk_span_is(sproto, proto)))
			continue;
		if (fill(sname, p, sproto, out))
			return 1;
	}
	return 0;
}
