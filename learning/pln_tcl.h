/* pln_tcl.h — temporal contrastive learning (SPEC 4): protocols, edge memories, the TCL trainer. */
#ifndef PLN_TCL_H
#define PLN_TCL_H

#include "pln_common.h"
#include "pln_learning.h"
#include "pln_network.h"
#include "pln_states.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ================================================================== protocols (SPEC 4) */

/** Time course of the nudge amplitude eta(t). */
typedef enum pln_protocol_kind {
    /** Free phase (eta = 0) for tau_fast, clamped phase (eta = eta_max) for tau_slow; the
     *  edge keeps s^F explicitly and writes d theta = -alpha [s^C - s^F] once per period,
     *  the update an ideal temporal memory gives (the baseline). */
    PLN_PROTO_TWO_PHASE = 0,
    /** eta rises 0 -> eta_max in tau_fast, falls back in tau_slow (reverse: the other way
     *  round, and the update's sign flips). */
    PLN_PROTO_SAWTOOTH = 1,
    /** Rise and fall each (tau_fast + tau_slow)/2: the symmetric control. */
    PLN_PROTO_TRIANGLE = 2,
    /** Williams et al. 2023: phases clamped with probability p_c, random durations, the
     *  temporally local importance-weighted update; one "period" is one phase. */
    PLN_PROTO_RANDOM_PHASES = 3
} pln_protocol_kind;

/** Distribution of a random phase's duration (mean m_c or m_f). Exponential durations are
 *  the same as constant switching rates 1/m_c and 1/m_f. */
typedef enum pln_phase_dist {
    PLN_PHASE_EXPONENTIAL = 0,
    PLN_PHASE_GAMMA = 1,  /**< shape `phase_shape`, scale mean/shape */
    PLN_PHASE_UNIFORM = 2 /**< uniform on [0, 2 mean] */
} pln_phase_dist;

typedef struct pln_protocol_options {
    pln_protocol_kind kind; /**< default PLN_PROTO_SAWTOOTH */
    double dt;              /**< time step (time units), default 0.01 */
    double tau_fast;        /**< default 1 */
    double tau_slow;        /**< default 9 */
    double eta_max;         /**< peak nudge in (0, 1], default 0.1 */
    bool reverse;           /**< slow rise, fast fall, flipped update sign; default false */
    double p_clamped;       /**< random_phases: probability p_c of a clamped phase, default 0.5 */
    double mean_clamped;    /**< random_phases: m_c (time units), default 1 */
    double mean_free;       /**< random_phases: m_f (time units), default 1 */
    pln_phase_dist dist;    /**< default PLN_PHASE_EXPONENTIAL */
    double phase_shape;     /**< gamma shape k > 0, default 2 */
} pln_protocol_options;

PLN_API void pln_protocol_options_default(pln_protocol_options *o);
/** @return PLN_OK or PLN_EINVAL naming the key ("protocol.dt", ...). */
PLN_API pln_status pln_protocol_options_check(pln_ctx *ctx, const pln_protocol_options *o);
/** @brief SPEC name ("two_phase", "sawtooth", "triangle", "random_phases"). */
PLN_API const char *pln_protocol_name(pln_protocol_kind kind);
/** @brief The most time steps pln_protocol_options_check accepts in one period (or one mean
 *  phase of random_phases): more is refused naming the keys and the count. */
#define PLN_PROTOCOL_MAX_STEPS 1e8

/** @brief Period tau_fast + tau_slow of a periodic protocol (time units); NaN for
 *  random_phases. */
PLN_API double pln_protocol_period(const pln_protocol_options *o);
/** @brief Time steps per period, round(period / dt) (at least 1); the loop uses the step
 *  period / steps, which equals dt whenever the period is a multiple of dt. 0 for
 *  random_phases. */
PLN_API pln_idx pln_protocol_steps_per_period(const pln_protocol_options *o);
/** @brief eta(t) of a periodic protocol at time t (taken modulo the period). Two-phase: 0 on
 *  [0, tau_fast), eta_max after. */
PLN_API double pln_protocol_eta(const pln_protocol_options *o, double t);
/** @brief Duration of a random phase (time units) drawn from rng. */
PLN_API double pln_protocol_draw_phase(const pln_protocol_options *o, pln_rng *rng,
                                       bool clamped);

/* ================================================================== memories (SPEC 4) */

typedef enum pln_memory_kind {
    /** u = s - v, dv/dt = (u - lambda v)/tau. Kernel delta(t) - (1/tau) e^{-(1+lambda)t/tau}:
     *  area lambda/(1+lambda), first moment -tau/(1+lambda)^2. */
    PLN_MEMORY_INTEGRAL_FEEDBACK = 0,
    /** K(t) = A e^{-Bt}(t - C t^2), area I, first moment -1, as three cascaded first-order
     *  stages of rate B: u = A (x2 - 2C x3). */
    PLN_MEMORY_KERNEL = 1,
    /** The Lan et al. 2012 adaptation ladder (10 states); its step response, scaled to first
     *  moment -1, applied as a convolution over a finite window. */
    PLN_MEMORY_MARKOV_LADDER = 2
} pln_memory_kind;

typedef struct pln_memory_options {
    pln_memory_kind kind; /**< default PLN_MEMORY_INTEGRAL_FEEDBACK */
    /** integral_feedback: tau_m (time units), default 0.05. markov_ladder: the time unit of
     *  the model's rates (its rates are per tau), same default. */
    double tau;
    double leak;   /**< integral_feedback: lambda >= 0, default 0 (perfect adaptation) */
    double B;      /**< kernel: rate B > 0 (1/time units), default 10 */
    double I;      /**< kernel: area I >= 0, default 0 */
    double gamma;  /**< markov_ladder: gamma in (0, 1], default 0.1 */
    double R;      /**< markov_ladder: rate factor, default 25 */
    double s0;     /**< markov_ladder: step of the signal for the kernel, default 200 */
    /** markov_ladder: the signal at which the dissipation sigma is evaluated (the ledger's
     *  memory term), default 0, Falk et al.'s convention (their stable_dissipation(gamma,
     *  s = 0)). */
    double sigma_signal;
    /** markov_ladder: window of the convolution (time units); 0 = 40 tau (default). */
    double window;
    /** Dissipation rate set by hand for integral_feedback and kernel (k_B T per time unit per
     *  edge); < 0 = not modelled (default -1). Ignored by markov_ladder, which computes its
     *  own sigma. */
    double dissipation;
} pln_memory_options;

PLN_API void pln_memory_options_default(pln_memory_options *o);
/** @return PLN_OK or PLN_EINVAL naming the key ("protocol.memory.B", ...). */
PLN_API pln_status pln_memory_options_check(pln_ctx *ctx, const pln_memory_options *o);
PLN_API const char *pln_memory_name(pln_memory_kind kind);
/** @brief The kernel constants A and C of SPEC 4 for rate B and area I. */
PLN_API void pln_kernel_constants(double B, double I, double *A, double *C);

/** Nonlinearity g(u) between the memory and the update. */
typedef enum pln_nonlin_kind {
    PLN_NONLIN_THRESHOLD = 0, /**< u if |u| >= theta_g, else 0 */
    PLN_NONLIN_CUBIC = 1,     /**< u^3 / theta_g */
    PLN_NONLIN_LINEAR = 2     /**< u */
} pln_nonlin_kind;

typedef struct pln_nonlinearity {
    pln_nonlin_kind kind; /**< default threshold */
    double theta;         /**< theta_g >= 0 (> 0 for cubic), default 0.1 */
} pln_nonlinearity;

PLN_API void pln_nonlinearity_default(pln_nonlinearity *g);
PLN_API double pln_nonlinearity_apply(const pln_nonlinearity *g, double u);

/** Memories of m edges advanced in lock step (opaque). The input is taken piecewise linear
 *  between samples; integral_feedback and kernel are integrated exactly over a step (an
 *  exponential integrator), markov_ladder convolves with weights integrated exactly from the
 *  Markov model (so a linear ramp gives exactly area * s - first moment * ds/dt). */
typedef struct pln_memory pln_memory;

/** @brief Memories for m edges with time step dt.
 *  @return PLN_OK, PLN_EINVAL (options; key in the context), PLN_ENOMEM.
 *  Complexity: O(m) memory (O(m window/dt) for markov_ladder). */
PLN_API pln_status pln_memory_create(pln_ctx *ctx, const pln_memory_options *o, pln_idx m,
                                     double dt, pln_memory **out);
PLN_API void pln_memory_destroy(pln_memory *mem);
/** @brief Set every memory to the state adapted to the constant signal s (m values). */
PLN_API void pln_memory_reset(pln_memory *mem, const double *s);
/** @brief Add ds (m values) to the whole input history, as if the signal had always been
 *  shifted by ds (a change much slower than the memory). */
PLN_API void pln_memory_shift(pln_memory *mem, const double *ds);
/** @brief Advance by dt with the input rising linearly from the previous sample to s (m
 *  values); u (m values) receives the outputs at the end of the step. O(m) (O(m window/dt)
 *  for markov_ladder); allocates nothing. */
PLN_API void pln_memory_step(pln_memory *mem, const double *s, double *u);
/** @brief Dissipation rate of one edge's memory (k_B T per time unit): sigma of the Markov
 *  ladder, the hand-set rate otherwise; NaN when not modelled. */
PLN_API double pln_memory_sigma(const pln_memory *mem);
PLN_API pln_idx pln_memory_n_edges(const pln_memory *mem);
/** @brief Bytes of the memory's state (for checkpoints). */
PLN_API size_t pln_memory_state_size(const pln_memory *mem);
PLN_API void pln_memory_state_save(const pln_memory *mem, void *buf);
PLN_API void pln_memory_state_load(pln_memory *mem, const void *buf);

/** @brief The kernel K(t) at n times t (>= 0, time units), continuous form: the formula for
 *  kernel, the regular part -(1/tau) e^{-(1+lambda)t/tau} for integral_feedback (whose
 *  delta of weight 1 at t = 0 goes into *delta, may be NULL), c da/dt for markov_ladder.
 *  Also, when not NULL, its area and first moment (exact: closed forms, or linear algebra on
 *  the Markov model with the infinite window).
 *  @return PLN_OK, PLN_EINVAL. Complexity O(n) (markov: one 10x10 exponential per time). */
PLN_API pln_status pln_memory_kernel(pln_ctx *ctx, const pln_memory_options *o, pln_idx n,
                                     const double *t, double *K, double *delta, double *area,
                                     double *first_moment);
/** @brief Discrete impulse response of a memory: u at t = 0, dt, ..., (n-1) dt after a unit
 *  impulse at t = 0 (integral_feedback: the regular part; markov_ladder: the weights of the
 *  convolution divided by dt). */
PLN_API pln_status pln_memory_impulse_response(pln_ctx *ctx, const pln_memory_options *o,
                                               double dt, pln_idx n, double *K);

/* ================================================================== Markov ladder */

/** States of the ladder: active row m = 0..4 are 0..4, inactive row m = 0..4 are 5..9. */
#define PLN_MARKOV_N 10

/** @brief Rate matrix M (10 x 10, row-major, M[i*10+j] = rate j -> i, columns sum to 0) at
 *  signal s (SPEC 4), rates per time unit of the model. */
PLN_API void pln_markov_rates(double s, double gamma, double R, double *M);
/** @brief Stationary distribution p (M p = 0, sum 1) by the GTH algorithm (no subtraction,
 *  so every p_i has full relative accuracy). @return PLN_OK or PLN_EINVAL (reducible M). */
PLN_API pln_status pln_markov_stationary(pln_ctx *ctx, const double *M, double *p);
/** @brief Entropy production sum_{i>j} (J_ij - J_ji) ln(J_ij/J_ji), J_ij = M_ij p_j (k_B T
 *  per model time unit). */
PLN_API double pln_markov_entropy_production(const double *M, const double *p);
/** @brief sigma of the ladder with these options at signal o->sigma_signal (default 0), in
 *  k_B T per time unit (rates / tau): the ledger's memory rate. */
PLN_API pln_status pln_markov_sigma(pln_ctx *ctx, const pln_memory_options *o, double *sigma);
/** @brief sigma of the ladder with these options at a given constant signal s >= 0. */
PLN_API pln_status pln_markov_sigma_at(pln_ctx *ctx, const pln_memory_options *o, double s,
                                       double *sigma);

/* ================================================================== TCL trainer */

typedef enum pln_apply {
    PLN_APPLY_STEP = 0,  /**< write theta every time step (one refactorization per step) */
    PLN_APPLY_PERIOD = 1 /**< sum over the period, write once: O(m) per step, no solve */
} pln_apply;

typedef struct pln_tcl_options {
    pln_protocol_options protocol;
    pln_memory_options memory;
    pln_nonlinearity g;
    double rate;          /**< alpha: d theta/dt = -alpha g(u) (SPEC 4), default 0.05 */
    pln_apply apply;      /**< default PLN_APPLY_STEP */
    /** apply = step: re-solve the state every `refresh` steps (default 1 = every step); in
     *  between the state of the last solve is used (the conductances drift by at most
     *  refresh * dt * alpha * max|g| per edge). */
    pln_idx refresh;
    /** theta: PLN_DOF_CONDUCTANCE (default; a spring's stiffness k, signal 1/2 (r - l)^2) or
     *  PLN_DOF_REST_LENGTH (springs: l, signal -k (r - l)), as the contrastive trainer. */
    pln_dof dof;
    pln_hardware hardware;
    uint64_t seed;        /**< example draws, random phases, noise; default 1 */
    double temperature;   /**< K, default 300 */
    double resolution;    /**< Landauer delta (theta units), default 1e-3 */
    pln_energy_units units; /**< the ledger's unit system (SPEC 5); t_hold is not used */
} pln_tcl_options;

PLN_API void pln_tcl_options_default(pln_tcl_options *o);
PLN_API pln_status pln_tcl_options_check(pln_ctx *ctx, const pln_tcl_options *o);

typedef struct pln_tcl pln_tcl;

/** @brief INITIALIZE a TCL run (theta = conductance, stiffness or rest length; opts->dof).
 *  @param[in,out] net, states, task borrowed as by pln_trainer_create (states built on net
 *  with the task's outputs).
 *  Spring networks: states are n_nodes x d positions; node inputs are displacements along an
 *  axis of a pinned node (PLN_IN_NODE_X/Y/Z), edge inputs imposed strains. spring_linear
 *  follows eta(t) on the affine path x^F + eta (x^C - x^F) as a linear network does (its
 *  energy is quadratic, its outputs linear). spring (nonlinear) is not affine in eta: every
 *  time step solves the clamped state at eta(t) by Newton, started from the state of the
 *  step before (pln_states_clamp; one or two iterations, each a factorization of the
 *  Hessian). Free states start from the last free state (checkpointed: resume is bit for bit).
 *  Ledger for springs (SPEC 5, as pln_rule_energy): loading the clamp is slow and stores the
 *  boundary's work; each time step that lowers |eta| releases the clamp and turns
 *  Phi(before) - Phi(after) >= 0 into heat (Phi = E - f.u; per sawtooth period
 *  Phi(x(eta_max)) - Phi(x^F), the trainer's heat of one clamped state). Writes of theta and a
 *  change of example are slow and cost nothing.
 *  @return PLN_OK; PLN_EINVAL (options, a rest length on a network that is not a spring
 *  network, inputs not fixed by the boundary, outputs that differ); PLN_ENOMEM; PLN_ESINGULAR;
 *  PLN_ENOCONV (springs). Complexity: one factorization, O(m + n d) memory plus the
 *  memory's. */
PLN_API pln_status pln_tcl_create(pln_ctx *ctx, pln_network *net, pln_states *states,
                                  const pln_task *task, const pln_tcl_options *opts,
                                  pln_tcl **out);
PLN_API void pln_tcl_destroy(pln_tcl *tr);

/** @brief ITERATE one protocol period (one phase for random_phases): time steps of dt, the
 *  state at eta(t), the memories, g, the updates, the ledger. Allocates nothing (nonlinear
 *  springs: nothing but what CHOLMOD's numeric factorizations take).
 *  Cost: apply = period: one factorization and 1 + n_out solves per period, O(m) per time
 *  step (resistor, flow, spring_linear); apply = step: one factorization per `refresh` steps.
 *  Nonlinear springs: one Newton solve per time step at a new eta (none while eta and theta
 *  stay, as in a random phase with apply = period), plus a free Newton solve per refresh.
 *  @return PLN_OK, PLN_ESINGULAR, PLN_EINVAL, PLN_ENOCONV. */
PLN_API pln_status pln_tcl_period(pln_tcl *tr);
/** @brief TEST: loss over a split with the current theta (no draws). */
PLN_API pln_status pln_tcl_evaluate(pln_tcl *tr, pln_split split, pln_metrics *m);

/** @brief Free-state outputs of every example of a split with the current theta, n_out x n
 *  column-major (as pln_trainer_outputs); no draws, the run's state is left as it was
 *  (springs: Newton starts from the last free state of the training example).
 *  @return PLN_OK, PLN_ESINGULAR, PLN_ENOCONV (springs). */
PLN_API pln_status pln_tcl_outputs(pln_tcl *tr, pln_split split, double *o);

PLN_API int64_t pln_tcl_periods(const pln_tcl *tr);
/** @brief Simulated time so far (time units). */
PLN_API double pln_tcl_time(const pln_tcl *tr);
/** @brief Time steps so far. */
PLN_API int64_t pln_tcl_time_steps(const pln_tcl *tr);
PLN_API const double *pln_tcl_theta(const pln_tcl *tr);
/** @brief Length of theta (the edges, m). */
PLN_API pln_idx pln_tcl_n_theta(const pln_tcl *tr);
/** @brief Write theta (m values) into the network between periods, as pln_trainer_set_theta
 *  (no hardware pipeline; the caller checks bounds); the state of the old theta is dropped
 *  and recomputed at the next period. @return PLN_OK, PLN_EINVAL, PLN_ESINGULAR. */
PLN_API pln_status pln_tcl_set_theta(pln_tcl *tr, const double *theta);
/** @brief The ledger: "last step" fields describe the last period (one phase for
 *  random_phases). Its powers there:
 *  - power_free: power of the free state sum_e k_e dp_e^2 at eta = 0, with theta and the
 *    example as they are at the period's start (before any write of the period).
 *  - power_clamped: mean power of the physical state over the period, the state at eta(t)
 *    (nudged, or free where eta(t) = 0): joule / time, i.e. the time average of
 *    sum_e k_e dp_e^2 over the period's steps by the rule the Joule term integrates with
 *    (the trapezoid over the steps of a periodic protocol, the value at each step's end times
 *    its length for random_phases), at the theta in force at each step.
 *  Springs: power_free = 0 (nothing is dissipated at rest) and power_clamped the mean rate
 *  of the heat of releasing the clamp, joule / time, as the contrastive trainer's
 *  power_clamped is its heat per step. */
PLN_API const pln_ledger *pln_tcl_ledger(const pln_tcl *tr);
/** @brief Dissipation rate of one edge's memory (k_B T per time unit), NaN if not modelled. */
PLN_API double pln_tcl_memory_sigma(const pln_tcl *tr);

/** Test hook: called after every time step with the time at the step's end, eta there and
 *  the physical state (node potentials, n values; springs: positions, n x d). May be NULL. */
typedef void (*pln_tcl_trace_fn)(double t, double eta, const double *p, void *user);
PLN_API void pln_tcl_set_trace(pln_tcl *tr, pln_tcl_trace_fn fn, void *user);

/** @brief Checkpoint: periods, time, theta, memory states, rng, ledger, protocol state
 *  (springs: also the states the next Newton solves start from). */
PLN_API size_t pln_tcl_state_size(const pln_tcl *tr);
PLN_API pln_status pln_tcl_state_save(const pln_tcl *tr, void *buf, size_t size);
/** @brief Restore; writes theta into the network and refactors. A run restored from a
 *  checkpoint continues bit for bit. @return PLN_OK, PLN_EDIM, PLN_EINVAL, PLN_ESINGULAR. */
PLN_API pln_status pln_tcl_state_load(pln_tcl *tr, const void *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
