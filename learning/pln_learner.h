/* pln_learner.h — one interface over the learners (the contrastive trainer of SPEC 3 and the TCL loop of SPEC 4): step, evaluate, outputs, theta, ledger, checkpoint state. */
#ifndef PLN_LEARNER_H
#define PLN_LEARNER_H

#include "pln_learning.h"

#ifdef __cplusplus
extern "C" {
#endif

/* pln_tcl.h may include this header before its own declarations (C11 allows repeating a
 * typedef). */
typedef struct pln_tcl pln_tcl;
typedef struct pln_tcl_options pln_tcl_options;

/** A learner type (an operations table, as pln_solver_type). */
typedef struct pln_learner_type pln_learner_type;
/** The contrastive trainer (pln_trainer, SPEC 3): one step is one rule update on a batch. */
extern PLN_API const pln_learner_type *const pln_learner_contrastive;
/** Temporal contrastive learning (pln_tcl, SPEC 4): one step is one protocol period (one
 *  phase for random_phases). */
extern PLN_API const pln_learner_type *const pln_learner_temporal;
/** @brief "contrastive" or "temporal". */
PLN_API const char *pln_learner_type_name(const pln_learner_type *type);

/** A learner bound to a network, its states and a task (borrowed: they must outlive it). */
typedef struct pln_learner pln_learner;

/** @brief A contrastive learner: pln_trainer_create behind the interface (same arguments,
 *  same errors). */
PLN_API pln_status pln_learner_create_contrastive(pln_ctx *ctx, pln_network *net,
                                                  pln_states *states, const pln_task *task,
                                                  const pln_trainer_options *opts,
                                                  pln_learner **out);
/** @brief A temporal learner: pln_tcl_create behind the interface. */
PLN_API pln_status pln_learner_create_temporal(pln_ctx *ctx, pln_network *net,
                                               pln_states *states, const pln_task *task,
                                               const pln_tcl_options *opts, pln_learner **out);
/** @brief Destroy (NULL allowed). */
PLN_API void pln_learner_destroy(pln_learner *l);
PLN_API const pln_learner_type *pln_learner_get_type(const pln_learner *l);
/** @brief The pln_trainer of a contrastive learner, else NULL (borrowed). */
PLN_API pln_trainer *pln_learner_trainer(pln_learner *l);
/** @brief The pln_tcl of a temporal learner, else NULL (borrowed). */
PLN_API pln_tcl *pln_learner_tcl(pln_learner *l);

/** @brief One step (pln_trainer_step or pln_tcl_period). On error the step count stays. */
PLN_API pln_status pln_learner_step(pln_learner *l);
/** @brief Loss, error and accuracy of a split with the current theta (no draws). */
PLN_API pln_status pln_learner_evaluate(pln_learner *l, pln_split split, pln_metrics *m);
/** @brief Free-state outputs of every example of a split, n_out x n column-major. */
PLN_API pln_status pln_learner_outputs(pln_learner *l, pln_split split, double *o);
/** @brief Steps taken (periods for the temporal learner). */
PLN_API int64_t pln_learner_steps(const pln_learner *l);
/** @brief Number of learning degrees of freedom (m, or 2 m with PLN_DOF_BOTH). */
PLN_API pln_idx pln_learner_n_theta(const pln_learner *l);
/** @brief View of theta (S, m or N/m by dof), valid until the next step, load or set. */
PLN_API const double *pln_learner_theta(const pln_learner *l);
/** @brief Write theta (no hardware pipeline; the caller checks values and bounds).
 *  @return PLN_OK, PLN_EINVAL, PLN_ESINGULAR. */
PLN_API pln_status pln_learner_set_theta(pln_learner *l, const double *theta);
/** @brief View of the energy ledger (SPEC 5). */
PLN_API const pln_ledger *pln_learner_ledger(const pln_learner *l);
/** @brief Bytes of the learner's checkpoint state. */
PLN_API size_t pln_learner_state_size(const pln_learner *l);
/** @brief Save the state into buf (size >= pln_learner_state_size). @return PLN_OK, PLN_EDIM. */
PLN_API pln_status pln_learner_state_save(const pln_learner *l, void *buf, size_t size);
/** @brief Restore a state saved by a learner of the same type on the same set-up; a run
 *  restored from it continues bit for bit. @return PLN_OK, PLN_EDIM, PLN_EINVAL,
 *  PLN_ESINGULAR. */
PLN_API pln_status pln_learner_state_load(pln_learner *l, const void *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
