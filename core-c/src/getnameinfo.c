/*
 * getnameinfo as glibc 2.36 answers it (inet/getnameinfo.c): the checks in
 * glibc's order, host before service, and EAI_OVERFLOW where glibc's
 * buffers would be too short. wsk_getnameinfo_full makes the reverse
 * lookup (the core's resolver), reads service names from /etc/services and
 * asks the host for its name (AF_UNIX); wsk_getnameinfo answers
 * WSK_GAI_LOOKUP for those instead (see <wasock/netdb.h>).
 */
#include <wasock/core.h>
#include <wasock/netdb.h>
#include <wasock/sockaddr.h>
#include <wasock/resolv.h>

/* NI_NUMERICHOST..NI_DGRAM, NI_IDN and its two deprecated companions. */
#define VALID_FLAGS 0xff
/* A port in decimal, "65535", and its NUL. */
#define PORT_TEXT 6

static uint16_t sa_family(const void *sa)
{
	uint16_t family;

	wsk_memcpy(&family, sa, sizeof family);
	return family;
}

/* The shortest sockaddr glibc accepts for each family it knows. */
static int check_length(uint16_t family, uint32_t salen)
{
	switch (family) {
	case WSK_AF_UNIX:
		return salen < WSK_SUN_PATH_OFFSET ? WSK_EAI_FAMILY : 0;
	case WSK_AF_INET:
		return salen < sizeof(struct wsk_sockaddr_in) ? WSK_EAI_FAMILY
							      : 0;
	case WSK_AF_INET6:
		return salen < sizeof(struct wsk_sockaddr_in6) ? WSK_EAI_FAMILY
							       : 0;
	default:
		return WSK_EAI_FAMILY;
	}
}

/* Copies text with its NUL, or EAI_OVERFLOW as glibc's checked copies. */
static int copy_out(char *dst, uint32_t size, const char *text)
{
	size_t len = wsk_strlen(text) + 1;

	if (len > size)
		return WSK_EAI_OVERFLOW;
	wsk_memcpy(dst, text, len);
	return 0;
}

/* inet_ntop, then for IPv6 the '%scope' glibc appends (wsk_append_scope). */
static int numeric_inet(const void *sa, char *host, uint32_t hostlen)
{
	/* The address and the room wsk_append_scope asks before it appends
	 * '%' and an interface name or number. */
	char text[WSK_INET6_ADDRSTRLEN + 1 + WSK_IFNAMSIZ + WSK_U32_DIGITS];

	if (sa_family(sa) == WSK_AF_INET) {
		struct wsk_sockaddr_in in;

		wsk_memcpy(&in, sa, sizeof in);
		wsk_inet_ntop(WSK_AF_INET, &in.addr, text, sizeof text);
	} else {
		struct wsk_sockaddr_in6 in6;

		wsk_memcpy(&in6, sa, sizeof in6);
		wsk_inet_ntop(WSK_AF_INET6, in6.addr, text, sizeof text);
		wsk_append_scope(text, sizeof text, in6.addr, in6.scope_id);
	}
	return copy_out(host, hostlen, text);
}

/*
 * glibc's gni_host_inet and gni_host_local: a name first unless
 * NI_NUMERICHOST (the lookup), then the numeric form unless NI_NAMEREQD.
 * A failed reverse lookup falls back to the numeric form: that decision
 * is the resolver's too.
 */
static int host_part(const void *sa, char *host, uint32_t hostlen, int flags)
{
	if (!(flags & WSK_NI_NUMERICHOST))
		return WSK_GAI_LOOKUP;
	if (flags & WSK_NI_NAMEREQD)
		return WSK_EAI_NONAME;
	if (sa_family(sa) == WSK_AF_UNIX)
		return copy_out(host, hostlen, "localhost");
	return numeric_inet(sa, host, hostlen);
}

/* AF_UNIX: the path to its NUL. glibc reads sun_path whatever salen says;
 * the read stops at the end of sun_path here. */
static int unix_path(const void *sa, char *serv, uint32_t servlen)
{
	const char *path = (const char *)sa + WSK_SUN_PATH_OFFSET;
	uint32_t len = 0;

	while (len < WSK_SUN_PATH_MAX && path[len])
		len++;
	if (len + 1 > servlen)
		return WSK_EAI_OVERFLOW;
	wsk_memcpy(serv, path, len);
	serv[len] = 0;
	return 0;
}

/* glibc's gni_serv: the service name (NI_DGRAM picks udp) unless
 * NI_NUMERICSERV, else the port in decimal. */
static int serv_part(const void *sa, char *serv, uint32_t servlen, int flags)
{
	struct wsk_sockaddr_in in;
	char text[PORT_TEXT];

	if (sa_family(sa) == WSK_AF_UNIX)
		return unix_path(sa, serv, servlen);
	if (!(flags & WSK_NI_NUMERICSERV))
		return WSK_GAI_LOOKUP;
	/* The port sits at the same offset in sockaddr_in and _in6. */
	wsk_memcpy(&in, sa, 4);
	wsk_utoa(wsk_ntohs(in.port), text);
	return copy_out(serv, servlen, text);
}

static int run(const void *sa, uint32_t salen, char *host, uint32_t hostlen,
	       char *serv, uint32_t servlen, int flags, int resolve);

WSK_EXPORT("wsk_getnameinfo")
int wsk_getnameinfo(const void *sa, uint32_t salen, char *host,
		    uint32_t hostlen, char *serv, uint32_t servlen, int flags)
{
	return run(sa, salen, host, hostlen, serv, servlen, flags, 0);
}

WSK_EXPORT("wsk_getnameinfo_full")
int wsk_getnameinfo_full(const void *sa, uint32_t salen, char *host,
			 uint32_t hostlen, char *serv, uint32_t servlen,
			 int flags)
{
	return run(sa, salen, host, hostlen, serv, servlen, flags, 1);
}

/* ---- the lookups --------------------------------------------------------- */

static struct wsk_hostent hbuf;

/* NI_NOFQDN: the local domain (after the host name's first dot, or of
 * its canonical name) is cut from a name inside it, as glibc does. */
static void strip_local_domain(char *name)
{
	char me[WSK_DNAME_MAX];
	const char *dom = 0;
	uint32_t i, ln, ld;
	int herr;

	if (wsk_host_gethostname(me, sizeof me) != 0)
		return;
	for (i = 0; me[i] && me[i] != '.'; i++)
		;
	if (me[i] == '.') {
		dom = me + i + 1;
	} else if (wsk_lookup_name(me, WSK_AF_INET, &hbuf, &herr) == 0) {
		for (i = 0; hbuf.names[i] && hbuf.names[i] != '.'; i++)
			;
		if (hbuf.names[i] == '.')
			dom = hbuf.names + i + 1;
	}
	if (!dom)
		return;
	ln = (uint32_t)wsk_strlen(name);
	ld = (uint32_t)wsk_strlen(dom);
	if (ln > ld + 1 && name[ln - ld - 1] == '.' &&
	    wsk_strcasecmp(name + ln - ld, dom) == 0)
		name[ln - ld - 1] = 0;
}

/* glibc's gni_host_inet_name, then the numeric fallback. */
static int host_lookup(const void *sa, char *host, uint32_t hostlen, int flags)
{
	struct wsk_sockaddr_in6 in6;
	struct wsk_sockaddr_in in;
	char name[WSK_DNAME_MAX];
	int af = sa_family(sa), herr, r;

	if (af == WSK_AF_UNIX) {
		if (wsk_host_gethostname(name, sizeof name) != 0)
			return WSK_EAI_SYSTEM;
		return copy_out(host, hostlen, name);
	}
	if (af == WSK_AF_INET) {
		wsk_memcpy(&in, sa, sizeof in);
		r = wsk_lookup_addr(af, (const uint8_t *)&in.addr, &hbuf, &herr);
	} else {
		wsk_memcpy(&in6, sa, sizeof in6);
		r = wsk_lookup_addr(af, in6.addr, &hbuf, &herr);
	}
	if (r == 0) {
		wsk_span_copy((struct wsk_span){ hbuf.names,
						 (uint32_t)wsk_strlen(hbuf.names) },
			      name, sizeof name);
		if (flags & WSK_NI_NOFQDN)
			strip_local_domain(name);
		return copy_out(host, hostlen, name);
	}
	if (herr == WSK_TRY_AGAIN)
		return WSK_EAI_AGAIN;
	if (flags & WSK_NI_NAMEREQD)
		return WSK_EAI_NONAME;
	return numeric_inet(sa, host, hostlen);
}

/* glibc's gni_serv: getservbyport_r(port, "udp" or "tcp"). */
static int serv_lookup(const void *sa, char *serv, uint32_t servlen, int flags)
{
	struct wsk_sockaddr_in in;
	struct wsk_servent se;
	uint32_t len;
	const char *text = wsk_rfile(WSK_RFILE_SERVICES, &len);
	char num[PORT_TEXT];

	wsk_memcpy(&in, sa, 4);
	if (wsk_services_byport(text, len, wsk_ntohs(in.port),
				(flags & WSK_NI_DGRAM) ? "udp" : "tcp", &se))
		return copy_out(serv, servlen, se.name);
	wsk_utoa(wsk_ntohs(in.port), num);
	return copy_out(serv, servlen, num);
}

static int run(const void *sa, uint32_t salen, char *host, uint32_t hostlen,
	       char *serv, uint32_t servlen, int flags, int resolve)
{
	int r;

	if (flags & ~VALID_FLAGS)
		return WSK_EAI_BADFLAGS;
	if (!sa || salen < sizeof(uint16_t))
		return WSK_EAI_FAMILY;
	if ((flags & WSK_NI_NAMEREQD) && !host && !serv)
		return WSK_EAI_NONAME;
	r = check_length(sa_family(sa), salen);
	if (r == 0 && host && hostlen) {
		r = host_part(sa, host, hostlen, flags);
		if (r == WSK_GAI_LOOKUP && resolve)
			r = host_lookup(sa, host, hostlen, flags);
	}
	if (r == 0 && serv && servlen) {
		r = serv_part(sa, serv, servlen, flags);
		if (r == WSK_GAI_LOOKUP && resolve)
			r = serv_lookup(sa, serv, servlen, flags);
	}
	return r;
}
