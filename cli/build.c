/* build.c — config to graph, roles and network: every id is checked against the graph before the library sees it. */
#include "build.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int plnet_report_lib(FILE *err, const pln_ctx *ctx, pln_status st, const char *what)
{
    const pln_error *e = ctx != NULL ? pln_ctx_last_error(ctx) : NULL;
    const char *msg = e != NULL && e->code != PLN_OK && e->message[0] != '\0' ? e->message
                                                                                : pln_strerror(st);
    /* Prefix the node or edge at fault unless the message already starts by naming it. */
    char where[64] = "";
    char lead[64] = "";
    if (e != NULL && e->code != PLN_OK && e->edge >= 0) {
        snprintf(where, sizeof where, "edge %lld: ", (long long)e->edge);
        snprintf(lead, sizeof lead, "edge %lld ", (long long)e->edge);
    } else if (e != NULL && e->code != PLN_OK && e->node >= 0) {
        snprintf(where, sizeof where, "node %lld: ", (long long)e->node);
        snprintf(lead, sizeof lead, "node %lld ", (long long)e->node);
    }
    if (lead[0] != '\0' && strncmp(msg, lead, strlen(lead)) == 0) {
        where[0] = '\0';
    }
    fprintf(err, "plnet: %s%s%s%s\n", where, what != NULL ? what : "", what != NULL ? ": " : "",
            msg);
    return 1;
}

void plnet_built_free(plnet_built *b)
{
    pln_network_destroy(b->net);
    pln_graph_destroy(b->graph);
    pln_ctx_destroy(b->ctx);
    free(b->dir_nodes);
    free(b->dir_values);
    free(b->dir_is_ground);
    free(b->dir_axes);
    free(b->cur_nodes);
    free(b->cur_values);
    free(b->src_edges);
    free(b->src_values);
    free((void *)b->role);
    pln_spice_sources_free(&b->spice);
    memset(b, 0, sizeof *b);
}

static int make_graph(plnet_config *cfg, plnet_built *b, FILE *err)
{
    const plnet_graph_cfg *g = &cfg->network.graph;
    pln_status st = PLN_OK;
    uint64_t seed = (uint64_t)cfg->seed.v;
    if (g->source == PLNET_GRAPH_FILE) {
        if (g->format.v == PLNET_FORMAT_GRAPHML) {
            st = pln_graph_read_graphml(b->ctx, g->file_path, &b->graph);
        } else if (g->format.v == PLNET_FORMAT_SPICE) {
            st = pln_graph_read_spice(b->ctx, g->file_path, &b->graph, &b->spice);
        } else {
            const char *name = g->weights.v == PLNET_WEIGHTS_RESISTANCE ? "resistance"
                                                                         : "conductance";
            st = pln_graph_read_edgelist(b->ctx, g->file_path, name, &b->graph);
        }
        if (st != PLN_OK) {
            const pln_error *e = pln_ctx_last_error(b->ctx);
            plnet_report_at(err, cfg, g->file.at, "network.graph.file: %s",
                            e->message[0] != '\0' ? e->message : pln_strerror(st));
            return 2;
        }
        return 0;
    }
    switch (g->generator.v) {
    case PLNET_GEN_SQUARE_LATTICE:
        st = pln_graph_square_lattice(b->ctx, g->nx.v, g->ny.v, g->periodic.v, &b->graph);
        break;
    case PLNET_GEN_TRIANGULAR_LATTICE:
        st = pln_graph_triangular_lattice(b->ctx, g->nx.v, g->ny.v, g->periodic.v, &b->graph);
        break;
    case PLNET_GEN_RANDOM_REGULAR:
        st = pln_graph_random_regular(b->ctx, g->n.v, g->degree.v, seed, &b->graph);
        break;
    case PLNET_GEN_ERDOS_RENYI:
        st = pln_graph_erdos_renyi(b->ctx, g->n.v, g->mean_degree.v, seed, &b->graph);
        break;
    default:
        st = pln_graph_random_geometric(b->ctx, g->n.v, g->radius.v, seed, &b->graph);
        break;
    }
    if (st != PLN_OK) {
        const pln_error *e = pln_ctx_last_error(b->ctx);
        plnet_report_at(err, cfg, g->generator.at.line > 0 ? g->generator.at : g->at,
                        "network.graph: %s", e->message[0] != '\0' ? e->message : pln_strerror(st));
        return st == PLN_EINVAL ? 2 : 1;
    }
    return 0;
}

/* Who holds each node, so an overlap names both roles. */
typedef struct owners {
    const char **name;
    bool *taken;
    pln_idx n;
} owners;

static int claim(plnet_config *cfg, owners *o, const char *role, const char *dotted, pln_idx node,
                 plnet_mark at, FILE *err)
{
    if (node < 0 || node >= o->n) {
        plnet_report_at(err, cfg, at, "%s: node %lld does not exist (the graph has %lld nodes, "
                        "ids 0..%lld)", dotted, (long long)node, (long long)o->n,
                        (long long)(o->n - 1));
        return 2;
    }
    if (o->taken[node]) {
        plnet_report_at(err, cfg, at, "%s: node %lld is already %s%s", dotted, (long long)node,
                        strcmp(o->name[node], role) == 0 ? "listed as " : "taken as ",
                        o->name[node]);
        return 2;
    }
    o->taken[node] = true;
    o->name[node] = role;
    return 0;
}

static int claim_ids(plnet_config *cfg, owners *o, const char *role, const char *dotted,
                     const plnet_ids *ids, FILE *err)
{
    for (pln_idx k = 0; k < ids->n; k++) {
        int rc = claim(cfg, o, role, dotted, ids->v[k], ids->at[k], err);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

static int copy_picked(plnet_role *r, const pln_idx *ids, pln_idx n)
{
    free(r->picked);
    r->picked = malloc((size_t)(n > 0 ? n : 1) * sizeof *r->picked);
    if (r->picked == NULL) {
        return 1;
    }
    if (n > 0) {
        memcpy(r->picked, ids, (size_t)n * sizeof *ids);
    }
    r->n_picked = n;
    return 0;
}

static int check_edges(plnet_config *cfg, const plnet_ids *ids, const char *dotted, pln_idx m,
                       const char **edge_owner, const char *role, FILE *err)
{
    for (pln_idx k = 0; k < ids->n; k++) {
        pln_idx e = ids->v[k];
        if (e >= m) {
            plnet_report_at(err, cfg, ids->at[k], "%s: edge %lld does not exist (the graph has "
                            "%lld edges, ids 0..%lld)", dotted, (long long)e, (long long)m,
                            (long long)(m - 1));
            return 2;
        }
        if (edge_owner[e] != NULL) {
            plnet_report_at(err, cfg, ids->at[k], "%s: edge %lld is already taken as %s", dotted,
                            (long long)e, edge_owner[e]);
            return 2;
        }
        edge_owner[e] = role;
    }
    return 0;
}

static int resolve_roles(plnet_config *cfg, plnet_built *b, FILE *err)
{
    pln_idx n = pln_graph_n_nodes(b->graph);
    pln_idx m = pln_graph_n_edges(b->graph);
    owners o = {NULL, NULL, n};
    const char **edge_owner = calloc((size_t)(m > 0 ? m : 1), sizeof *edge_owner);
    o.name = calloc((size_t)n, sizeof *o.name);
    o.taken = calloc((size_t)n, sizeof *o.taken);
    pln_idx *pick = NULL;
    int rc = 0;
    if (o.name == NULL || o.taken == NULL || edge_owner == NULL) {
        fprintf(err, "plnet: out of memory\n");
        rc = 1;
        goto done;
    }
    plnet_boundary_cfg *bd = &cfg->boundary;
    plnet_task_cfg *t = &cfg->task;
    /* A netlist's sources come first, so a YAML role on the same node or edge is reported at
     * its YAML line; an injection into a node the netlist already fixes stays allowed. */
    const pln_spice_sources *sp = &b->spice;
    for (pln_idx k = 0; k < sp->n_dirichlet && rc == 0; k++) {
        pln_idx i = sp->dirichlet_nodes[k];
        rc = claim(cfg, &o, i == sp->ground ? "ground" : "a fixed potential",
                   "network.graph.file (a SPICE source)", i, cfg->network.graph.file.at, err);
    }
    for (pln_idx k = 0; k < sp->n_currents && rc == 0; k++) {
        pln_idx i = sp->current_nodes[k];
        if (!o.taken[i]) {
            rc = claim(cfg, &o, "a current injection", "network.graph.file (a SPICE source)", i,
                       cfg->network.graph.file.at, err);
        }
    }
    for (pln_idx k = 0; k < sp->n_sources; k++) {
        edge_owner[sp->source_edges[k]] = "an edge source of the netlist";
    }
    if (rc != 0) {
        goto done;
    }
    if ((rc = claim_ids(cfg, &o, "ground", "boundary.ground", &bd->ground, err)) != 0 ||
        (rc = claim_ids(cfg, &o, "a fixed potential", "boundary.potentials.nodes",
                        &bd->potentials.nodes, err)) != 0 ||
        (rc = claim_ids(cfg, &o, "a current injection", "boundary.currents.nodes",
                        &bd->currents.nodes, err)) != 0 ||
        (rc = claim_ids(cfg, &o, "an input", "task.inputs.nodes", &t->inputs.nodes, err)) != 0 ||
        (rc = claim_ids(cfg, &o, "an output", "task.outputs.nodes", &t->outputs.nodes, err)) !=
            0) {
        goto done;
    }
    if ((rc = check_edges(cfg, &bd->edge_sources.edges, "boundary.edge_sources.edges", m,
                          edge_owner, "an edge source", err)) != 0 ||
        (rc = check_edges(cfg, &t->inputs.edges, "task.inputs.edges", m, edge_owner,
                          "an input edge", err)) != 0 ||
        (rc = check_edges(cfg, &t->outputs.edges, "task.outputs.edges", m, edge_owner,
                          "an output edge", err)) != 0) {
        goto done;
    }
    /* Random roles are drawn after every explicit one, inputs before outputs, from a stream
     * of their own so that they do not depend on how the edge values are drawn. */
    pln_rng base;
    pln_rng roles;
    pln_rng_seed(&base, (uint64_t)cfg->seed.v);
    pln_rng_split(&base, &roles);
    plnet_role *rnd[2] = {&t->inputs, &t->outputs};
    const char *rnd_name[2] = {"an input", "an output"};
    const char *rnd_key[2] = {"task.inputs.random", "task.outputs.random"};
    for (int k = 0; k < 2; k++) {
        plnet_role *r = rnd[k];
        if (r->random.v > 0) {
            free(pick);
            pick = malloc((size_t)r->random.v * sizeof *pick);
            if (pick == NULL) {
                rc = 1;
                goto done;
            }
            pln_status st = pln_graph_pick_nodes(b->graph, r->random.v, o.taken, &roles, pick);
            if (st != PLN_OK) {
                plnet_report_at(err, cfg, r->random.at, "%s: cannot pick %lld free nodes out of "
                                "%lld", rnd_key[k], (long long)r->random.v, (long long)n);
                rc = 2;
                goto done;
            }
            for (pln_idx j = 0; j < r->random.v; j++) {
                o.name[pick[j]] = rnd_name[k];
            }
            if (copy_picked(r, pick, r->random.v) != 0) {
                rc = 1;
                goto done;
            }
        } else if (r->nodes.n > 0) {
            if (copy_picked(r, r->nodes.v, r->nodes.n) != 0) {
                rc = 1;
                goto done;
            }
        }
    }
    b->role = calloc((size_t)n, sizeof *b->role);
    if (b->role == NULL) {
        rc = 1;
        goto done;
    }
    for (pln_idx i = 0; i < n; i++) {
        const char *s = o.name[i];
        b->role[i] = s == NULL ? ""
                     : strcmp(s, "ground") == 0 ? "ground"
                     : strcmp(s, "a fixed potential") == 0 ? "potential"
                     : strcmp(s, "a current injection") == 0 ? "current"
                     : strcmp(s, "an input") == 0 ? "input"
                     : "output";
    }
done:
    free(pick);
    free(o.name);
    free(o.taken);
    free(edge_owner);
    return rc;
}

static bool is_spring(const plnet_config *cfg)
{
    return cfg->network.kind.v == PLNET_KIND_SPRING ||
           cfg->network.kind.v == PLNET_KIND_SPRING_LINEAR;
}

/* Initial edge values (conductance, or radius) as the config asks; NULL for from_graph. */
static int draw_edge_values(const plnet_edge_init *ei, pln_idx m, pln_rng *rng, double **out)
{
    *out = NULL;
    if (ei->init.v == PLNET_INIT_FROM_GRAPH) {
        return 0;
    }
    double *v = malloc((size_t)(m > 0 ? m : 1) * sizeof *v);
    if (v == NULL) {
        return 1;
    }
    for (pln_idx e = 0; e < m; e++) {
        double u = pln_rng_uniform(rng);
        switch (ei->init.v) {
        case PLNET_INIT_UNIFORM:
            v[e] = ei->low.v + (ei->high.v - ei->low.v) * u;
            break;
        case PLNET_INIT_LOGUNIFORM:
            v[e] = exp(log(ei->low.v) + (log(ei->high.v) - log(ei->low.v)) * u);
            break;
        default:
            v[e] = ei->value.v;
            break;
        }
    }
    *out = v;
    return 0;
}

int plnet_build_graph(plnet_config *cfg, plnet_built *b, FILE *err)
{
    memset(b, 0, sizeof *b);
    const bool spring = is_spring(cfg);
    if (spring) {
        cfg->boundary.ground.n = 0; /* springs are held by pins, not grounded */
    }
    if (pln_ctx_create(&b->ctx) != PLN_OK) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    int rc = make_graph(cfg, b, err);
    if (rc != 0) {
        return rc;
    }
    /* A netlist that fixes potentials brings its own ground: the default `ground: [0]` (not
     * written in the file) would fix its first-named node a second time. */
    if (b->spice.n_dirichlet > 0 && cfg->boundary.ground.at_list.line == 0) {
        cfg->boundary.ground.n = 0;
    }
    rc = resolve_roles(cfg, b, err);
    if (rc != 0) {
        return rc;
    }
    pln_rng base;
    pln_rng roles;
    pln_rng edges;
    pln_rng_seed(&base, (uint64_t)cfg->seed.v);
    pln_rng_split(&base, &roles);
    pln_rng_split(&base, &edges);
    double *k = NULL;
    if (draw_edge_values(spring ? &cfg->network.stiffness : &cfg->network.conductance,
                         pln_graph_n_edges(b->graph), &edges, &k) != 0) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    if (k != NULL) {
        pln_status st = pln_graph_edge_attr_set(b->graph, spring ? "stiffness" : "conductance", k);
        free(k);
        if (st != PLN_OK) {
            return plnet_report_lib(err, b->ctx, st, spring ? "network.edges.stiffness"
                                                            : "network.edges.conductance");
        }
    }
    if (spring && cfg->network.rest_length.given) {
        /* rest lengths: the 7th stream of the seed (cmd_train.c's seed_streams) */
        pln_rng skip;
        pln_rng lens;
        for (int q = 0; q < 4; q++) { /* radii, the task's and the trainer's streams */
            pln_rng_split(&base, &skip);
        }
        pln_rng_split(&base, &lens);
        if (draw_edge_values(&cfg->network.rest_length, pln_graph_n_edges(b->graph), &lens,
                             &k) != 0) {
            fprintf(err, "plnet: out of memory\n");
            return 1;
        }
        if (k != NULL) {
            pln_status st = pln_graph_edge_attr_set(b->graph, "rest_length", k);
            free(k);
            if (st != PLN_OK) {
                return plnet_report_lib(err, b->ctx, st, "network.edges.rest_length");
            }
        }
    }
    if (spring && pln_graph_dim(b->graph) < 2) {
        plnet_report_at(err, cfg, cfg->network.graph.at, "network.graph: a spring network needs "
                        "node positions (a lattice generator, random_geometric, or a GraphML file "
                        "with x, y[, z] node attributes)");
        return 2;
    }
    return 0;
}

/* A component without a fixed potential would float: name its nodes and the key to fix. */
static int check_grounded(plnet_config *cfg, plnet_built *b, FILE *err)
{
    pln_idx n = pln_graph_n_nodes(b->graph);
    pln_idx *memb = malloc((size_t)n * sizeof *memb);
    pln_idx nc = 0;
    if (memb == NULL) {
        return 1;
    }
    pln_status st = pln_graph_components(b->graph, memb, &nc);
    if (st != PLN_OK) {
        free(memb);
        return plnet_report_lib(err, b->ctx, st, "components");
    }
    bool *fixed = calloc((size_t)(nc > 0 ? nc : 1), sizeof *fixed);
    if (fixed == NULL) {
        free(memb);
        return 1;
    }
    for (pln_idx k = 0; k < b->n_dir; k++) {
        fixed[memb[b->dir_nodes[k]]] = true;
    }
    int rc = 0;
    for (pln_idx c = 0; c < nc && rc == 0; c++) {
        if (fixed[c]) {
            continue;
        }
        char list[512] = "";
        pln_idx count = 0;
        for (pln_idx i = 0; i < n; i++) {
            if (memb[i] != c) {
                continue;
            }
            if (count < 20) {
                char one[32];
                snprintf(one, sizeof one, "%s%lld", count > 0 ? ", " : "", (long long)i);
                strncat(list, one, sizeof list - strlen(list) - 1);
            }
            count++;
        }
        plnet_mark at = cfg->boundary.ground.at_list;
        plnet_report_at(err, cfg, at, "nodes %s%s (%lld node%s) form a component with no ground "
                        "or fixed potential: it would float; add one of them to boundary.ground",
                        list, count > 20 ? ", ..." : "", (long long)count, count == 1 ? "" : "s");
        rc = 2;
    }
    free(fixed);
    free(memb);
    return rc;
}

static int append_values(pln_idx *dst_n, pln_idx *dst_i, double *dst_v, const pln_idx *ids,
                         const double *vals, pln_idx n)
{
    for (pln_idx k = 0; k < n; k++) {
        dst_i[*dst_n] = ids[k];
        dst_v[*dst_n] = vals != NULL ? vals[k] : 0.0;
        (*dst_n)++;
    }
    return 0;
}

/* Id lists of the spring boundary against the graph. */
static int check_ids(plnet_config *cfg, const plnet_ids *l, pln_idx n, const char *key,
                     const char *what, FILE *err)
{
    for (pln_idx k = 0; k < l->n; k++) {
        if (l->v[k] < 0 || l->v[k] >= n) {
            plnet_report_at(err, cfg, l->at != NULL ? l->at[k] : l->at_list,
                            "%s: %s %lld does not exist (the graph has %lld)", key, what,
                            (long long)l->v[k], (long long)n);
            return 2;
        }
    }
    return 0;
}


/* The network from the graph and the boundary gathered in b (dir_axes is NULL but for
 * springs), reporting a library error; 0 or an exit status. */
static int create_network(plnet_built *b, const pln_network_options *opts, FILE *err)
{
    pln_boundary bc;
    pln_boundary_default(&bc);
    bc.n_dirichlet = b->n_dir;
    bc.dirichlet_nodes = b->dir_nodes;
    bc.dirichlet_values = b->dir_values;
    bc.dirichlet_axes = b->dir_axes;
    bc.n_currents = b->n_cur;
    bc.current_nodes = b->cur_nodes;
    bc.current_values = b->cur_values;
    bc.n_sources = b->n_src;
    bc.source_edges = b->src_edges;
    bc.source_values = b->src_values;
    pln_status st = pln_network_create(b->ctx, b->graph, opts, &bc, &b->net);
    if (st != PLN_OK) {
        return plnet_report_lib(err, b->ctx, st, NULL);
    }
    return 0;
}
/* Springs (SPEC 1.2): pins (plus input nodes not pinned, held in every axis), forces, and
 * imposed strains (edge_strains, then input edges). */
static int build_spring(plnet_config *cfg, plnet_built *b, FILE *err)
{
    plnet_boundary_cfg *bd = &cfg->boundary;
    plnet_task_cfg *t = &cfg->task;
    const int d = pln_graph_dim(b->graph);
    const pln_idx n = pln_graph_n_nodes(b->graph), m = pln_graph_n_edges(b->graph);
    b->dim = d;
    int rc = 0;
    if ((rc = check_ids(cfg, &bd->pins, n, "boundary.pins.nodes", "node", err)) != 0 ||
        (rc = check_ids(cfg, &bd->force_nodes, n, "boundary.forces.nodes", "node", err)) != 0 ||
        (rc = check_ids(cfg, &bd->edge_strains.edges, m, "boundary.edge_strains.edges", "edge",
                        err)) != 0) {
        return rc;
    }
    const plnet_reals *vecs[2] = {&bd->pin_displacements, &bd->forces};
    const int dims[2] = {bd->pin_dim, bd->force_dim};
    for (int q = 0; q < 2; q++) {
        if (vecs[q]->n > 0 && dims[q] != d) {
            plnet_report_at(err, cfg, vecs[q]->at_list, "boundary.%s: vectors of %d components "
                            "on a %dD network", q == 0 ? "pins.displacements" : "forces.values",
                            dims[q], d);
            return 2;
        }
    }
    pln_idx nd = bd->pins.n + t->inputs.n_picked;
    pln_idx ns = bd->edge_strains.edges.n + t->inputs.edges.n;
    pln_idx nc = bd->force_nodes.n;
    b->dir_nodes = malloc((size_t)(nd + 1) * sizeof *b->dir_nodes);
    b->dir_values = calloc((size_t)(nd + 1) * (size_t)d, sizeof *b->dir_values);
    b->dir_axes = calloc((size_t)(nd + 1), sizeof *b->dir_axes);
    b->dir_is_ground = calloc((size_t)(nd + 1), sizeof *b->dir_is_ground);
    b->src_edges = malloc((size_t)(ns + 1) * sizeof *b->src_edges);
    b->src_values = malloc((size_t)(ns + 1) * sizeof *b->src_values);
    b->cur_nodes = malloc((size_t)(nc + 1) * sizeof *b->cur_nodes);
    b->cur_values = calloc((size_t)(nc + 1) * (size_t)d, sizeof *b->cur_values);
    if (b->dir_nodes == NULL || b->dir_values == NULL || b->dir_axes == NULL ||
        b->dir_is_ground == NULL || b->src_edges == NULL || b->src_values == NULL ||
        b->cur_nodes == NULL || b->cur_values == NULL) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    for (pln_idx k = 0; k < bd->pins.n; k++) {
        b->dir_nodes[k] = bd->pins.v[k];
        int mask = (1 << d) - 1;
        if (bd->pin_axes.n > 0) {
            const char *s = bd->pin_axes.v[k];
            mask = 0;
            for (const char *c = s; *c != '\0'; c++) {
                if (*c - 'x' >= d) {
                    plnet_report_at(err, cfg, bd->pin_axes.at_list, "boundary.pins.axes: '%s' "
                                    "(pin %lld) names axis %c of a %dD network", s, (long long)k,
                                    *c, d);
                    return 2;
                }
                mask |= 1 << (*c - 'x');
            }
        }
        b->dir_axes[k] = mask;
        for (int c = 0; c < d && bd->pin_displacements.n > 0; c++) {
            b->dir_values[k * d + c] = bd->pin_displacements.v[k * d + c];
        }
    }
    b->n_dir = bd->pins.n;
    const int axis = t->inputs.axis.v;
    if (t->inputs.n_picked > 0 && axis >= d) {
        plnet_report_at(err, cfg, t->inputs.axis.at, "task.inputs.axis: %c on a %dD network",
                        "xyz"[axis], d);
        return 2;
    }
    if (t->outputs.n_picked > 0 && t->outputs.axis.v >= d) {
        plnet_report_at(err, cfg, t->outputs.axis.at, "task.outputs.axis: %c on a %dD network",
                        "xyz"[t->outputs.axis.v], d);
        return 2;
    }
    for (pln_idx j = 0; j < t->inputs.n_picked; j++) {
        const pln_idx i = t->inputs.picked[j];
        const double v = t->inputs.values.n > 0 ? t->inputs.values.v[j] : 0.0;
        pln_idx slot = -1;
        for (pln_idx k = 0; k < bd->pins.n; k++) {
            slot = bd->pins.v[k] == i ? k : slot;
        }
        if (slot < 0) { /* an input node the pins do not hold: held in every axis */
            slot = b->n_dir++;
            b->dir_nodes[slot] = i;
            b->dir_axes[slot] = (1 << d) - 1;
        } else if ((b->dir_axes[slot] & (1 << axis)) == 0) {
            plnet_report_at(err, cfg, t->inputs.axis.at, "task.inputs: node %lld is pinned "
                            "without axis %c, so no displacement can be imposed along it",
                            (long long)i, "xyz"[axis]);
            return 2;
        }
        b->dir_values[slot * d + axis] = v;
    }
    append_values(&b->n_src, b->src_edges, b->src_values, bd->edge_strains.edges.v,
                  bd->edge_strains.values.v, bd->edge_strains.edges.n);
    append_values(&b->n_src, b->src_edges, b->src_values, t->inputs.edges.v,
                  t->inputs.values.n > 0 ? t->inputs.values.v : NULL, t->inputs.edges.n);
    for (pln_idx k = 0; k < nc; k++) {
        b->cur_nodes[k] = bd->force_nodes.v[k];
        memcpy(b->cur_values + k * d, bd->forces.v + k * d, (size_t)d * sizeof *b->cur_values);
    }
    b->n_cur = nc;
    pln_network_options opts;
    pln_network_options_default(&opts);
    opts.kind = cfg->network.kind.v == PLNET_KIND_SPRING ? PLN_KIND_SPRING
                                                         : PLN_KIND_SPRING_LINEAR;
    opts.default_stiffness = cfg->network.stiffness.value.v;
    return create_network(b, &opts, err);
}

int plnet_build_network(plnet_config *cfg, plnet_built *b, FILE *err)
{
    if (is_spring(cfg)) {
        return build_spring(cfg, b, err);
    }
    b->dim = 1;
    plnet_boundary_cfg *bd = &cfg->boundary;
    plnet_task_cfg *t = &cfg->task;
    /* Dirichlet set = ground (0 V) + fixed potentials + node inputs (their values, else 0). */
    const pln_spice_sources *sp = &b->spice;
    pln_idx nd = bd->ground.n + bd->potentials.nodes.n + t->inputs.n_picked + sp->n_dirichlet;
    pln_idx ns = bd->edge_sources.edges.n + t->inputs.edges.n + sp->n_sources;
    pln_idx nc = bd->currents.nodes.n + sp->n_currents;
    b->dir_nodes = malloc((size_t)(nd + 1) * sizeof *b->dir_nodes);
    b->dir_values = malloc((size_t)(nd + 1) * sizeof *b->dir_values);
    b->dir_is_ground = calloc((size_t)(nd + 1), sizeof *b->dir_is_ground);
    b->src_edges = malloc((size_t)(ns + 1) * sizeof *b->src_edges);
    b->src_values = malloc((size_t)(ns + 1) * sizeof *b->src_values);
    b->cur_nodes = malloc((size_t)(nc + 1) * sizeof *b->cur_nodes);
    b->cur_values = malloc((size_t)(nc + 1) * sizeof *b->cur_values);
    if (b->dir_nodes == NULL || b->dir_values == NULL || b->dir_is_ground == NULL ||
        b->src_edges == NULL || b->src_values == NULL || b->cur_nodes == NULL ||
        b->cur_values == NULL) {
        fprintf(err, "plnet: out of memory\n");
        return 1;
    }
    append_values(&b->n_dir, b->dir_nodes, b->dir_values, bd->ground.v, NULL, bd->ground.n);
    for (pln_idx k = 0; k < b->n_dir; k++) {
        b->dir_is_ground[k] = true;
    }
    append_values(&b->n_dir, b->dir_nodes, b->dir_values, bd->potentials.nodes.v,
                  bd->potentials.values.v, bd->potentials.nodes.n);
    append_values(&b->n_dir, b->dir_nodes, b->dir_values, t->inputs.picked,
                  t->inputs.values.n > 0 ? t->inputs.values.v : NULL, t->inputs.n_picked);
    append_values(&b->n_src, b->src_edges, b->src_values, bd->edge_sources.edges.v,
                  bd->edge_sources.values.v, bd->edge_sources.edges.n);
    append_values(&b->n_src, b->src_edges, b->src_values, t->inputs.edges.v,
                  t->inputs.values.n > 0 ? t->inputs.values.v : NULL, t->inputs.edges.n);
    append_values(&b->n_cur, b->cur_nodes, b->cur_values, bd->currents.nodes.v,
                  bd->currents.values.v, bd->currents.nodes.n);
    /* A SPICE netlist's boundary (empty for other graphs), after the YAML's. */
    for (pln_idx k = 0; k < sp->n_dirichlet; k++) {
        b->dir_is_ground[b->n_dir] = sp->dirichlet_nodes[k] == sp->ground;
        append_values(&b->n_dir, b->dir_nodes, b->dir_values, &sp->dirichlet_nodes[k],
                      &sp->dirichlet_values[k], 1);
    }
    append_values(&b->n_src, b->src_edges, b->src_values, sp->source_edges, sp->source_values,
                  sp->n_sources);
    append_values(&b->n_cur, b->cur_nodes, b->cur_values, sp->current_nodes, sp->current_values,
                  sp->n_currents);

    int rc = check_grounded(cfg, b, err);
    if (rc != 0) {
        return rc;
    }
    pln_network_options opts;
    pln_network_options_default(&opts);
    opts.kind = cfg->network.kind.v == PLNET_KIND_FLOW ? PLN_KIND_FLOW : PLN_KIND_RESISTOR;
    opts.viscosity = cfg->network.viscosity.v;
    opts.default_conductance = cfg->network.conductance.value.v;
    if (create_network(b, &opts, err) != 0) {
        return 1;
    }
    if (cfg->network.radius.given) {
        pln_rng base;
        pln_rng skip;
        pln_rng radii;
        pln_rng_seed(&base, (uint64_t)cfg->seed.v);
        pln_rng_split(&base, &skip);
        pln_rng_split(&base, &skip);
        pln_rng_split(&base, &radii);
        double *r = NULL;
        if (draw_edge_values(&cfg->network.radius, pln_network_n_edges(b->net), &radii, &r) != 0) {
            return 1;
        }
        if (r != NULL) {
            pln_status st = pln_network_set_radii(b->net, r);
            free(r);
            if (st != PLN_OK) {
                return plnet_report_lib(err, b->ctx, st, "network.edges.radius");
            }
        }
    }
    return 0;
}
