/* fmt.c — shortest round-tripping %g text of a double (see fmt.h). */
#include "fmt.h"

#include <stdio.h>
#include <stdlib.h>

plnet_real_text plnet_real(double x)
{
    plnet_real_text t;
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(t.s, sizeof t.s, "%.*g", prec, x);
        if (prec == 17 || strtod(t.s, NULL) == x) {
            break;
        }
    }
    return t;
}
