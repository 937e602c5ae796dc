/* learning.c — placeholder translation unit until the learning module lands. */
#include "pln_learning.h"
