/* config_write.c — the resolved configuration (every key, defaults filled in) as YAML that plnet reads back. */
#include "config.h"

#include <string.h>

static void put_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (const char *c = s; *c != '\0'; c++) {
        if (*c == '"' || *c == '\\') {
            fputc('\\', out);
            fputc(*c, out);
        } else if ((unsigned char)*c < 0x20) {
            fprintf(out, "\\x%02x", (unsigned)(unsigned char)*c);
        } else {
            fputc(*c, out);
        }
    }
    fputc('"', out);
}

/* %.17g round-trips every double; a plain integer-valued real gets ".0" so it reads as a float. */
static void put_real(FILE *out, double v)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%.17g", v);
    /* Shorter forms when they round-trip exactly keep the file readable. */
    for (int prec = 1; prec < 17; prec++) {
        char shorter[40];
        snprintf(shorter, sizeof shorter, "%.*g", prec, v);
        double back = 0.0;
        if (sscanf(shorter, "%lf", &back) == 1 && back == v) {
            memcpy(buf, shorter, sizeof buf);
            break;
        }
    }
    /* PyYAML reads 1e+03 as a string: keep a '.' in every real so any YAML reader sees a float. */
    if (strpbrk(buf, ".n") == NULL) {
        char *e = strpbrk(buf, "eE");
        if (e == NULL) {
            strcat(buf, ".0");
        } else {
            memmove(e + 2, e, strlen(e) + 1);
            e[0] = '.';
            e[1] = '0';
        }
    }
    fputs(buf, out);
}

static void put_ids(FILE *out, const plnet_ids *l)
{
    fputc('[', out);
    for (pln_idx k = 0; k < l->n; k++) {
        fprintf(out, "%s%lld", k > 0 ? ", " : "", (long long)l->v[k]);
    }
    fputc(']', out);
}

static void put_reals(FILE *out, const plnet_reals *l)
{
    fputc('[', out);
    for (pln_idx k = 0; k < l->n; k++) {
        if (k > 0) {
            fputs(", ", out);
        }
        put_real(out, l->v[k]);
    }
    fputc(']', out);
}

static void put_strs(FILE *out, const plnet_strs *l)
{
    fputc('[', out);
    for (pln_idx k = 0; k < l->n; k++) {
        if (k > 0) {
            fputs(", ", out);
        }
        put_str(out, l->v[k]);
    }
    fputc(']', out);
}

static const char *ename(const char *table, const plnet_enum *e)
{
    const char *s = plnet_enum_name(table, e->v);
    return s != NULL ? s : "?";
}

static void put_edge_init(FILE *out, const char *key, const plnet_edge_init *e)
{
    fprintf(out, "    %s: {init: %s, value: ", key, ename("init", &e->init));
    put_real(out, e->value.v);
    fputs(", low: ", out);
    put_real(out, e->low.v);
    fputs(", high: ", out);
    put_real(out, e->high.v);
    fputs(", min: ", out);
    put_real(out, e->min.v);
    fputs(", max: ", out);
    put_real(out, e->max.v);
    fputs("}\n", out);
}

/* A role block; random picks are written as given (the seed redraws them) with the nodes picked
 * in a comment, so a rerun of this file gives the same run. */
static void put_role(FILE *out, const char *indent, const char *key, const plnet_role *r,
                     bool with_values, bool edge_role)
{
    fprintf(out, "%s%s: {", indent, key);
    if (r->edges.n > 0 || edge_role) {
        fputs("edges: ", out);
        put_ids(out, &r->edges);
    } else if (r->random.v > 0) {
        fprintf(out, "random: %lld", (long long)r->random.v);
    } else {
        fputs("nodes: ", out);
        put_ids(out, &r->nodes);
    }
    if (with_values) {
        fputs(", values: ", out);
        put_reals(out, &r->values);
    }
    if (r->axis.at.line > 0 && r->edges.n == 0) {
        fprintf(out, ", axis: %s", ename("axis", &r->axis));
    }
    fputc('}', out);
    if (r->random.v > 0 && r->n_picked > 0) {
        fputs("  # picked:", out);
        for (pln_idx k = 0; k < r->n_picked; k++) {
            fprintf(out, " %lld", (long long)r->picked[k]);
        }
    }
    fputc('\n', out);
}

int plnet_config_write(const plnet_config *cfg, FILE *out)
{
    fputs("# plnet resolved configuration: every key, defaults filled in.\n", out);
    fputs("name: ", out);
    put_str(out, cfg->name.v);
    fprintf(out, "\nseed: %lld\n\n", (long long)cfg->seed.v);

    const plnet_network_cfg *nw = &cfg->network;
    const plnet_graph_cfg *g = &nw->graph;
    fprintf(out, "network:\n  kind: %s\n  viscosity: ", ename("network.kind", &nw->kind));
    put_real(out, nw->viscosity.v);
    fputs("\n  graph:\n", out);
    if (g->source == PLNET_GRAPH_FILE) {
        fputs("    file: ", out);
        put_str(out, g->file_path);
        fprintf(out, "\n    format: %s\n    weights: %s\n", ename("network.graph.format", &g->format),
                ename("network.graph.weights", &g->weights));
    } else {
        fprintf(out, "    generator: %s\n    size: [%lld, %lld]\n    periodic: %s\n",
                ename("network.graph.generator", &g->generator), (long long)g->nx.v,
                (long long)g->ny.v, g->periodic.v ? "true" : "false");
        fprintf(out, "    n: %lld\n    degree: %lld\n    mean_degree: ", (long long)g->n.v,
                (long long)g->degree.v);
        put_real(out, g->mean_degree.v);
        fputs("\n    radius: ", out);
        put_real(out, g->radius.v);
        fputc('\n', out);
    }
    const bool spring = nw->kind.v == PLNET_KIND_SPRING || nw->kind.v == PLNET_KIND_SPRING_LINEAR;
    fputs("  edges:\n", out);
    if (spring) {
        put_edge_init(out, "stiffness", &nw->stiffness);
        if (nw->rest_length.given) { /* else the reference lengths of the positions */
            put_edge_init(out, "rest_length", &nw->rest_length);
        }
        fputs("  newton_tol: ", out);
        put_real(out, nw->newton_tol.v);
        fprintf(out, "\n  newton_max_iter: %lld\n", (long long)nw->newton_max_iter.v);
    } else {
        put_edge_init(out, "conductance", &nw->conductance);
    }
    if (nw->radius.given) {
        put_edge_init(out, "radius", &nw->radius);
    }

    const plnet_boundary_cfg *b = &cfg->boundary;
    if (spring) {
        fputs("\nboundary:\n  pins: {nodes: ", out);
        put_ids(out, &b->pins);
        if (b->pin_dim > 0) {
            fputs(", displacements: [", out);
            for (pln_idx k = 0; k < b->pins.n; k++) {
                fputs(k > 0 ? ", [" : "[", out);
                for (int c = 0; c < b->pin_dim; c++) {
                    if (c > 0) {
                        fputs(", ", out);
                    }
                    put_real(out, b->pin_displacements.v[k * b->pin_dim + c]);
                }
                fputc(']', out);
            }
            fputc(']', out);
        }
        if (b->pin_axes.n > 0) {
            fputs(", axes: ", out);
            put_strs(out, &b->pin_axes);
        }
        fputs("}\n  forces: {nodes: ", out);
        put_ids(out, &b->force_nodes);
        fputs(", values: [", out);
        for (pln_idx k = 0; k < b->force_nodes.n; k++) {
            fputs(k > 0 ? ", [" : "[", out);
            for (int c = 0; c < b->force_dim; c++) {
                if (c > 0) {
                    fputs(", ", out);
                }
                put_real(out, b->forces.v[k * b->force_dim + c]);
            }
            fputc(']', out);
        }
        fputs("]}\n", out);
        put_role(out, "  ", "edge_strains", &b->edge_strains, true, true);
    } else {
        fputs("\nboundary:\n  ground: ", out);
        put_ids(out, &b->ground);
        fputc('\n', out);
        put_role(out, "  ", "potentials", &b->potentials, true, false);
        put_role(out, "  ", "currents", &b->currents, true, false);
        put_role(out, "  ", "edge_sources", &b->edge_sources, true, true);
    }

    const plnet_task_cfg *t = &cfg->task;
    fprintf(out, "\ntask:\n  kind: %s\n", ename("task.kind", &t->kind));
    put_role(out, "  ", "inputs", &t->inputs, true, false);
    put_role(out, "  ", "outputs", &t->outputs, false, false);
    fputs("  targets: ", out);
    put_reals(out, &t->targets);
    fprintf(out, "\n  n_examples: %lld\n  test_examples: %lld\n  input_range: ",
            (long long)t->n_examples.v, (long long)t->test_examples.v);
    put_reals(out, &t->input_range);
    fputs("\n  data: ", out);
    put_str(out, t->data_path);
    fputs("\n  label: ", out);
    put_str(out, t->label.v);
    fputs("\n  test_fraction: ", out);
    put_real(out, t->test_fraction.v);
    fputs("\n  true_level: ", out);
    put_real(out, t->true_level.v);
    fputs("\n  false_level: ", out);
    put_real(out, t->false_level.v);
    fprintf(out, "\n  square_inputs: %s\n  mirror_inputs: %s\n  input_columns: ",
            t->square_inputs.v ? "true" : "false", t->mirror_inputs.v ? "true" : "false");
    put_strs(out, &t->input_columns);
    fputs("\n  target_columns: ", out);
    put_strs(out, &t->target_columns);

    const plnet_learning_cfg *l = &cfg->learning;
    const plnet_hardware_cfg *h = &l->hardware;
    fprintf(out, "\n\nlearning:\n  rule: %s\n  rate: ", ename("learning.rule", &l->rule));
    put_real(out, l->rate.v);
    if (l->dof.v == PLNET_DOF_BOTH && l->rate_rest_length.v > 0.0) {
        fputs("\n  rate_rest_length: ", out);
        put_real(out, l->rate_rest_length.v);
    }
    fputs("\n  nudge: ", out);
    put_real(out, l->nudge.v);
    fputs("\n  asymmetry: ", out);
    put_real(out, l->asymmetry.v);
    fprintf(out, "\n  dof: %s\n  hardware:\n    levels: %lld\n    spacing: %s\n",
            ename("learning.dof", &l->dof), (long long)h->levels.v,
            ename("learning.hardware.spacing", &h->spacing));
    fputs("    update_noise: ", out);
    put_real(out, h->update_noise.v);
    fputs("\n    measurement_noise: ", out);
    put_real(out, h->measurement_noise.v);
    fprintf(out, "\n    sign_updates: %s\n    sign_step: ", h->sign_updates.v ? "true" : "false");
    put_real(out, h->sign_step.v);
    fputs("\n    desync: ", out);
    put_real(out, h->desync.v);

    const plnet_protocol_cfg *p = &cfg->protocol;
    fprintf(out, "\n\nprotocol:\n  kind: %s\n  dt: ", ename("protocol.kind", &p->kind));
    put_real(out, p->dt.v);
    fputs("\n  tau_fast: ", out);
    put_real(out, p->tau_fast.v);
    fputs("\n  tau_slow: ", out);
    put_real(out, p->tau_slow.v);
    fputs("\n  amplitude: ", out);
    put_real(out, p->amplitude.v);
    fprintf(out, "\n  reverse: %s\n  memory: {kind: %s, tau: ", p->reverse.v ? "true" : "false",
            ename("protocol.memory.kind", &p->memory_kind));
    put_real(out, p->memory_tau.v);
    fputs(", leak: ", out);
    put_real(out, p->memory_leak.v);
    const char *mkeys[] = {", B: ", ", I: ", ", gamma: ", ", R: ", ", s0: ", ", window: ",
                           ", dissipation: "};
    const plnet_real *mvals[] = {&p->memory_B,  &p->memory_I,      &p->memory_gamma,
                                 &p->memory_R,  &p->memory_s0,     &p->memory_window,
                                 &p->memory_dissipation};
    for (size_t k = 0; k < sizeof mkeys / sizeof mkeys[0]; k++) {
        fputs(mkeys[k], out);
        put_real(out, mvals[k]->v);
    }
    fprintf(out, "}\n  nonlinearity: {kind: %s, theta: ",
            ename("protocol.nonlinearity.kind", &p->nonlinearity_kind));
    put_real(out, p->nonlinearity_theta.v);
    fprintf(out, "}\n  apply: %s\n  refresh: %lld\n  p_clamped: ",
            ename("protocol.apply", &p->apply), (long long)p->refresh.v);
    put_real(out, p->p_clamped.v);
    fputs("\n  mean_clamped: ", out);
    put_real(out, p->mean_clamped.v);
    fputs("\n  mean_free: ", out);
    put_real(out, p->mean_free.v);
    fprintf(out, "\n  phase_distribution: %s\n  phase_shape: ",
            ename("protocol.phase_distribution", &p->phase_distribution));
    put_real(out, p->phase_shape.v);
    fputc('\n', out);

    fputs("\nenergy:\n  temperature: ", out);
    put_real(out, cfg->energy.temperature.v);
    fputs("\n  resolution: ", out);
    put_real(out, cfg->energy.resolution.v);
    fprintf(out, "\n\nsolver:\n  refactor: %s\n  pcg_tol: ",
            ename("solver.refactor", &cfg->solver.refactor));
    put_real(out, cfg->solver.pcg_tol.v);
    fprintf(out, "\n  pcg_max_iter: %lld\n  pcg_refactor_iter: %lld",
            (long long)cfg->solver.pcg_max_iter.v, (long long)cfg->solver.pcg_refactor_iter.v);
    const plnet_train_cfg *tr = &cfg->train;
    fprintf(out,
            "\n\ntrain:\n  steps: %lld\n  batch: %lld\n  log_every: %lld\n"
            "  checkpoint_every: %lld\n",
            (long long)tr->steps.v, (long long)tr->batch.v, (long long)tr->log_every.v,
            (long long)tr->checkpoint_every.v);
    fputs("\noutput:\n  dir: ", out);
    put_str(out, cfg->output.dir.v);
    fputc('\n', out);
    return ferror(out) ? -1 : 0;
}
