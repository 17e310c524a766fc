/*
 * Host imports the resolver code links against, for native tests that
 * exercise only the numeric paths (tests/native/run_netdb.sh): each answers
 * ENOSYS, so a lookup that reached one would fail loudly, never touch the
 * machine's resolver.
 */
#include <stdint.h>
#include <wasock/host.h>

#define NOSYS 38

int wsk_host_socket(int d, int t, int p, int32_t *fd) { (void)d; (void)t; (void)p; (void)fd; return NOSYS; }
int wsk_host_bind(int fd, const void *sa, wsk_socklen l) { (void)fd; (void)sa; (void)l; return NOSYS; }
int wsk_host_connect(int fd, const void *sa, wsk_socklen l) { (void)fd; (void)sa; (void)l; return NOSYS; }
int wsk_host_close(int fd) { (void)fd; return NOSYS; }
int wsk_host_getsockname(int fd, void *sa, wsk_socklen *l) { (void)fd; (void)sa; (void)l; return NOSYS; }
int wsk_host_getsockopt(int fd, int lv, int n, void *v, wsk_socklen *l) { (void)fd; (void)lv; (void)n; (void)v; (void)l; return NOSYS; }
int wsk_host_sendto(int fd, const void *b, uint32_t n, int f, const void *sa, wsk_socklen l, uint32_t *o)
{ (void)fd; (void)b; (void)n; (void)f; (void)sa; (void)l; (void)o; return NOSYS; }
int wsk_host_recvfrom(int fd, void *b, uint32_t n, int f, void *sa, wsk_socklen *l, uint32_t *o)
{ (void)fd; (void)b; (void)n; (void)f; (void)sa; (void)l; (void)o; return NOSYS; }
int wsk_host_poll(void *fds, uint32_t n, int ms, uint32_t *o) { (void)fds; (void)n; (void)ms; (void)o; return NOSYS; }
int wsk_host_clock_ns(uint64_t *ns) { *ns = 0; return 0; }
int wsk_host_random(void *b, uint32_t n) { (void)b; (void)n; return NOSYS; }
int wsk_host_resolver_file(int id, void *b, uint32_t s, uint32_t *l, uint32_t *g) { (void)id; (void)b; (void)s; (void)l; (void)g; return NOSYS; }
int wsk_host_gethostname(char *b, uint32_t s) { (void)b; (void)s; return NOSYS; }
int wsk_host_ifaddrs(void *b, uint32_t m, uint32_t *n) { (void)b; (void)m; (void)n; return NOSYS; }
int wsk_host_if_nametoindex(const char *name, uint32_t *i) { (void)name; (void)i; return NOSYS; }
int wsk_host_resolver_socket(int d, int t, int32_t *fd) { (void)d; (void)t; (void)fd; return NOSYS; }
int wsk_host_route_source(const void *d, wsk_socklen dl, void *s, wsk_socklen *sl) { (void)d; (void)dl; (void)s; (void)sl; return NOSYS; }
