/*
 * The wasock guest SDK: POSIX socket headers with Linux numbering for
 * wasm32-wasi guests. These headers replace wasi-libc's socket headers
 * (whose constants are WASI numbers); the socket functions they declare are
 * implemented by the SDK's shim (core-c/guest/) over the wasock core and the
 * host imports of <wasock/host.h>. errno values stay the libc's own (so that
 * strerror/perror agree): the shim translates the host's Linux errno.
 *
 * Each header also defines the include guards of wasi-libc's internal socket
 * headers, so nothing from them is seen twice, whatever order a program
 * includes things in.
 */
#ifndef WASOCK_GUEST_H
#define WASOCK_GUEST_H
#define __wasock_guest__ 1
#define WASOCK_GUEST_ABI 1

#define __wasilibc___header_sys_socket_h
#define __wasilibc___header_netinet_in_h
#define __wasilibc___header_poll_h
#define __wasilibc___struct_sockaddr_h
#define __wasilibc___struct_sockaddr_in_h
#define __wasilibc___struct_sockaddr_in6_h
#define __wasilibc___struct_sockaddr_storage_h
#define __wasilibc___struct_sockaddr_un_h
#define __wasilibc___struct_in_addr_h
#define __wasilibc___struct_in6_addr_h
#define __wasilibc___struct_msghdr_h
#define __wasilibc___struct_pollfd_h

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <__typedef_socklen_t.h>
#include <__typedef_sa_family_t.h>
#include <__typedef_in_port_t.h>
#include <__typedef_in_addr_t.h>
#include <__struct_iovec.h>

#ifdef __cplusplus
#define __WSK_BEGIN extern "C" {
#define __WSK_END }
#else
#define __WSK_BEGIN
#define __WSK_END
#endif

#endif
