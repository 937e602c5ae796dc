/* states.c — free, clamped and nudged states (SPEC 2); being written. */
#include "pln_states.h"
