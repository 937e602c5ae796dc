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
/* PLN_EINVAL keyed energy.kT / energy.temperature / energy.t_hold for a bad unit system. */
pln_status pln_i_energy_units_check(pln_ctx *ctx, double temperature, const pln_energy_units *u);
unsigned char *pln_i_ledger_state_put(const pln_ledger *l, unsigned char *p);
const unsigned char *pln_i_ledger_state_get(pln_ledger *l, const unsigned char *p);

/* theta of a network of edge elements (element_learning.c): which edges learn, with which
 * hardware. Conductances (resistors) go through one pln_hardware, gates (transistors) through
 * another; edges that do not learn keep theta and get d theta = 0. Workspaces sized once. */
typedef struct pln_i_egroups {
    pln_idx m;
    pln_idx n_k, n_g;   /* resistors that learn, transistors that learn */
    pln_idx *ik, *ig;   /* their edges */
    double *a, *b, *c;  /* packed theta_old, d theta, theta_new (max(n_k, n_g) each) */
} pln_i_egroups;

/* Groups for a dof on net: PLN_DOF_ELEMENT (resistors and gates) or PLN_DOF_CONDUCTANCE
 * (resistors only). */
pln_status pln_i_egroups_init(pln_ctx *ctx, const pln_network *net, pln_dof dof,
                              pln_i_egroups *g);
void pln_i_egroups_free(pln_i_egroups *g);
/* The hardware pipeline per group: theta_new from theta and the rule's dtheta (m values,
 * overwritten with what was written); returns the bits written (pln_ledger_bits of each
 * group at its own hardware). Allocates nothing. */
double pln_i_egroups_apply(const pln_i_egroups *g, const pln_hardware *hw_k,
                           const pln_hardware *hw_g, pln_rng *rng, double resolution,
                           const double *theta, double *dtheta, double *theta_new);

#endif
