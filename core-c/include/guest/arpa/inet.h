/* <arpa/inet.h> for wasock guests: text forms from the wasock core. */
#ifndef _ARPA_INET_H
#define _ARPA_INET_H
#include <netinet/in.h>

__WSK_BEGIN
in_addr_t inet_addr(const char *);
in_addr_t inet_network(const char *);
char *inet_ntoa(struct in_addr);
int inet_aton(const char *, struct in_addr *);
int inet_pton(int, const char *__restrict, void *__restrict);
const char *inet_ntop(int, const void *__restrict, char *__restrict, socklen_t);
__WSK_END
#endif
