/* pln_learning.h — learning rules, tasks, protocols, memories, the energy ledger and the trainer (SPEC 3-5). */
#ifndef PLN_LEARNING_H
#define PLN_LEARNING_H

#include "pln_common.h"
#include "pln_states.h"

#endif
