/* learning_impl.h — internal helpers shared by the contrastive trainer and the TCL loop, not installed. */
#ifndef PLN_LEARNING_IMPL_H
#define PLN_LEARNING_IMPL_H

#include "pln_internal.h"
#include "pln_learning.h"

/* Check that the states' outputs are the task's, then map each task input onto the boundary
 * value that carries it: in_slot[j] indexes the Dirichlet values (slot * sd + axis; sd values
 * per pinned node) for a node input, the edge-source values for an edge input. Errors name
 * the node, edge and key "task.inputs" or "task.outputs" (trainer.c). */
pln_status pln_i_task_bind(pln_ctx *ctx, const pln_network *net, const pln_states *st,
                           const pln_task *task, int sd, pln_idx *in_slot);

#endif
