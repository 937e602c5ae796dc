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

/* The ledger in a checkpoint, the same layout for every learner (ledger.c): size in bytes;
 * put writes it at p and returns the end; get reads it back (every field) and returns the
 * end. */
size_t pln_i_ledger_state_size(void);
unsigned char *pln_i_ledger_state_put(const pln_ledger *l, unsigned char *p);
const unsigned char *pln_i_ledger_state_get(pln_ledger *l, const unsigned char *p);

#endif
