/* learn_fixtures.c — small networks, states and cost oracles shared by the learning tests. */
#include "learn_fixtures.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

void lf_random(lf_net *f, pln_kind kind, pln_idx n, pln_idx extra, pln_idx n_src,
               pln_idx n_out, pln_idx batch, uint64_t seed)
{
    memset(f, 0, sizeof *f);
    cr_assert(pln_ctx_create(&f->ctx) == PLN_OK);
    pln_rng rng;
    pln_rng_seed(&rng, seed);
    pln_idx cap = n + extra;
    pln_idx *tail = malloc((size_t)cap * sizeof *tail);
    pln_idx *head = malloc((size_t)cap * sizeof *head);
    pln_idx *perm = malloc((size_t)n * sizeof *perm);
    pln_idx m = 0;
    pln_rng_permutation(&rng, n, perm);
    for (pln_idx a = 1; a < n; a++) {
        tail[m] = perm[a];
        head[m] = perm[pln_rng_index(&rng, a)];
        m++;
    }
    for (pln_idx a = 0; a < extra; a++) {
        pln_idx i = pln_rng_index(&rng, n), j = pln_rng_index(&rng, n);
        if (i != j) {
            tail[m] = i;
            head[m] = j;
            m++;
        }
    }
    cr_assert(pln_graph_create(f->ctx, n, m, tail, head, &f->g) == PLN_OK);
    double *a1 = malloc((size_t)m * sizeof *a1);
    double *a2 = malloc((size_t)m * sizeof *a2);
    for (pln_idx e = 0; e < m; e++) {
        a1[e] = 0.5 + pln_rng_uniform(&rng);
        a2[e] = 0.5 + 1.5 * pln_rng_uniform(&rng);
    }
    if (kind == PLN_KIND_FLOW) {
        cr_assert(pln_graph_edge_attr_set(f->g, "radius", a1) == PLN_OK);
        cr_assert(pln_graph_edge_attr_set(f->g, "length", a2) == PLN_OK);
    } else {
        cr_assert(pln_graph_edge_attr_set(f->g, "conductance", a1) == PLN_OK);
    }
    f->n = n;
    f->m = m;
    f->n_dir = 1 + n_src;
    f->dir_nodes[0] = 0;
    f->dir_values[0] = 0.0;
    for (pln_idx s = 1; s <= n_src; s++) {
        f->dir_nodes[s] = s;
        f->dir_values[s] = 0.2 + 0.8 * pln_rng_uniform(&rng);
    }
    f->n_out = n_out;
    for (pln_idx j = 0; j < n_out; j++) {
        f->outs[j].kind = PLN_OUT_NODE;
        f->outs[j].index = n - 1 - j;
        f->targets[j] = 0.1 + 0.5 * pln_rng_uniform(&rng);
    }
    pln_network_options no;
    pln_network_options_default(&no);
    no.kind = kind;
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = f->n_dir;
    bc.dirichlet_nodes = f->dir_nodes;
    bc.dirichlet_values = f->dir_values;
    pln_status st = pln_network_create(f->ctx, f->g, &no, &bc, &f->net);
    cr_assert(st == PLN_OK, "%s", pln_ctx_last_error(f->ctx)->message);
    pln_states_options so;
    pln_states_options_default(&so);
    so.max_rhs = batch;
    st = pln_states_create(f->ctx, f->net, n_out, f->outs, &so, &f->st);
    cr_assert(st == PLN_OK, "%s", pln_ctx_last_error(f->ctx)->message);
    cr_assert(pln_states_factor(f->st) == PLN_OK);
    free(tail);
    free(head);
    free(perm);
    free(a1);
    free(a2);
}

void lf_free(lf_net *f)
{
    pln_states_destroy(f->st);
    pln_network_destroy(f->net);
    pln_graph_destroy(f->g);
    pln_ctx_destroy(f->ctx);
}

double lf_cost(lf_net *f)
{
    double *p = malloc((size_t)f->n * sizeof *p);
    double o[8];
    cr_assert(pln_states_free(f->st, 1, NULL, p, o) == PLN_OK);
    double c = 0.0;
    for (pln_idx j = 0; j < f->n_out; j++) {
        c += 0.5 * (o[j] - f->targets[j]) * (o[j] - f->targets[j]);
    }
    free(p);
    return c;
}

static void set_theta(lf_net *f, pln_dof dof, const double *t)
{
    pln_status st = dof == PLN_DOF_RADIUS ? pln_network_set_radii(f->net, t)
                                          : pln_network_set_conductances(f->net, t);
    cr_assert(st == PLN_OK);
    cr_assert(pln_states_factor(f->st) == PLN_OK);
}

void lf_fd_gradient(lf_net *f, pln_dof dof, double h, double *grad)
{
    pln_idx m = f->m;
    const double *src = dof == PLN_DOF_RADIUS ? pln_network_radii(f->net)
                                              : pln_network_conductances(f->net);
    double *t0 = malloc((size_t)m * sizeof *t0);
    double *t = malloc((size_t)m * sizeof *t);
    memcpy(t0, src, (size_t)m * sizeof *t0);
    for (pln_idx e = 0; e < m; e++) {
        memcpy(t, t0, (size_t)m * sizeof *t);
        double step = h * t0[e];
        t[e] = t0[e] + step;
        set_theta(f, dof, t);
        double cp = lf_cost(f);
        t[e] = t0[e] - step;
        set_theta(f, dof, t);
        double cm = lf_cost(f);
        grad[e] = (cp - cm) / (2.0 * step);
    }
    set_theta(f, dof, t0);
    free(t0);
    free(t);
}

void lf_rule_update(lf_net *f, pln_rule_kind rule, double alpha, double nudge, double asym,
                    pln_dof dof, double *dtheta)
{
    double *p = malloc((size_t)f->n * sizeof *p);
    double o[8];
    cr_assert(pln_states_free(f->st, 1, NULL, p, o) == PLN_OK);
    pln_rule_options ro;
    pln_rule_options_default(&ro);
    ro.rule = rule;
    ro.rate = alpha;
    ro.nudge = nudge;
    ro.asymmetry = asym;
    ro.dof = dof;
    double *work = malloc(pln_rule_work_size(f->st, 1) * sizeof *work);
    pln_status st = pln_rule_update(f->st, &ro, 1, p, o, f->targets, NULL, NULL, dtheta, NULL,
                                    work);
    cr_assert(st == PLN_OK, "%s", pln_ctx_last_error(f->ctx)->message);
    free(work);
    free(p);
}
