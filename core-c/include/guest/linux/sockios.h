/* <linux/sockios.h> for wasock guests: where Linux programs find SIOCINQ,
 * SIOCOUTQ and SIOCATMARK; the SDK defines them in <sys/ioctl.h>. */
#ifndef _LINUX_SOCKIOS_H
#define _LINUX_SOCKIOS_H
#include <sys/ioctl.h>
#endif
