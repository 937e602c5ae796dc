/* cmd_draw.c — `plnet draw`: SVG pictures of a run (network.svg, curves.svg) or of a network file. */
#include "commands.h"
#include "draw.h"
#include "outfile.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char usage[] =
    "usage: plnet draw RUN_DIR|NETWORK_FILE [-o DIR] [--log]\n"
    "       plnet draw SWEEP_DIR [...]   (see plnet draw SWEEP_DIR --help)\n\n"
    "Draw a run folder (its network.graphml, and metrics.csv when present) or a network file\n"
    "(GraphML; SPICE netlist .cir/.sp/.net/.spice; else an edge list) as SVG pictures:\n"
    "  network.svg  edges at the node positions (a seeded force-directed layout when the graph\n"
    "               has none), coloured and sized by conductance, with marks for ground,\n"
    "               sources and targets (the node label \"role\"), a colour bar and a legend;\n"
    "               diodes, transistors and table elements (edge attribute \"element\") in\n"
    "               grey with a dash pattern and a marker per kind, the marker filled by\n"
    "               the operating region (edge attribute \"region\", from plnet solve)\n"
    "  curves.svg   metrics.csv: loss and errors against step on a log axis, and the energy\n"
    "               ledger terms when the file has them\n\n"
    "options:\n"
    "  -o, --output DIR  output folder (default: the run folder, or the file's folder)\n"
    "  --log             colour and width by log10(conductance)\n"
    "  -h, --help        this help\n";

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s);
    size_t b = strlen(suffix);
    return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

static pln_status read_graph(pln_ctx *ctx, const char *path, pln_graph **g)
{
    if (ends_with(path, ".graphml") || ends_with(path, ".xml")) {
        return pln_graph_read_graphml(ctx, path, g);
    }
    if (ends_with(path, ".cir") || ends_with(path, ".sp") || ends_with(path, ".net") ||
        ends_with(path, ".spice")) {
        pln_spice_sources s;
        pln_status st = pln_graph_read_spice(ctx, path, g, &s);
        if (st != PLN_OK) {
            return st;
        }
        /* Mark the netlist's boundary the way `plnet solve` labels roles. */
        pln_idx n = pln_graph_n_nodes(*g);
        const char **role = calloc((size_t)n, sizeof *role);
        if (role == NULL) {
            pln_spice_sources_free(&s);
            return PLN_ENOMEM;
        }
        for (pln_idx i = 0; i < n; i++) {
            role[i] = "";
        }
        for (pln_idx k = 0; k < s.n_currents; k++) {
            role[s.current_nodes[k]] = "current";
        }
        for (pln_idx k = 0; k < s.n_dirichlet; k++) {
            role[s.dirichlet_nodes[k]] = s.dirichlet_nodes[k] == s.ground ? "ground" : "potential";
        }
        st = pln_graph_node_label_set(*g, "role", role);
        free(role);
        pln_spice_sources_free(&s);
        return st;
    }
    return pln_graph_read_edgelist(ctx, path, "conductance", g);
}

int plnet_cmd_draw(int argc, char **argv, FILE *out, FILE *err)
{
    /* A sweep folder (plnet sweep) has its own picture: draw_sweep.c. */
    if (plnet_draw_is_sweep(argc, argv)) {
        return plnet_cmd_draw_sweep(argc, argv, out, err);
    }
    const char *input = NULL;
    const char *outdir = NULL;
    bool log_scale = false;
    for (int k = 1; k < argc; k++) {
        const char *s = argv[k];
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            fputs(usage, out);
            return 0;
        } else if (strcmp(s, "--log") == 0) {
            log_scale = true;
        } else if (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0) {
            if (k + 1 >= argc) {
                fprintf(err, "plnet: draw: %s needs a value\n", s);
                return 2;
            }
            outdir = argv[++k];
        } else if (strncmp(s, "--output=", 9) == 0) {
            outdir = s + 9;
        } else if (s[0] == '-' && s[1] != '\0') {
            fprintf(err, "plnet: draw: unknown option '%s' (see plnet draw --help)\n", s);
            return 2;
        } else if (input == NULL) {
            input = s;
        } else {
            fprintf(err, "plnet: draw: unexpected argument '%s' (one RUN_DIR or file)\n", s);
            return 2;
        }
    }
    if (input == NULL) {
        fprintf(err, "plnet: draw: missing RUN_DIR or NETWORK_FILE (see plnet draw --help)\n");
        return 2;
    }
    struct stat sb;
    if (stat(input, &sb) != 0) {
        fprintf(err, "plnet: draw: %s does not exist\n", input);
        return 2;
    }
    bool is_dir = S_ISDIR(sb.st_mode);
    char *graph_path = is_dir ? plnet_path_join(input, "network.graphml") : strdup(input);
    char *metrics = is_dir ? plnet_path_join(input, "metrics.csv") : NULL;
    char *dir = NULL;
    if (outdir != NULL) {
        dir = strdup(outdir);
    } else if (is_dir) {
        dir = strdup(input);
    } else {
        const char *slash = strrchr(input, '/');
        dir = slash == NULL ? strdup(".") : strndup(input, (size_t)(slash - input + 1));
    }
    char *svg = dir != NULL ? plnet_path_join(dir, "network.svg") : NULL;
    char *curves = dir != NULL ? plnet_path_join(dir, "curves.svg") : NULL;
    pln_ctx *ctx = NULL;
    pln_graph *g = NULL;
    int rc = 0;
    if (graph_path == NULL || dir == NULL || svg == NULL || curves == NULL ||
        pln_ctx_create(&ctx) != PLN_OK) {
        fprintf(err, "plnet: out of memory\n");
        rc = 1;
        goto done;
    }
    if (plnet_mkdirs(dir, err) != 0) {
        rc = 1;
        goto done;
    }
    pln_status st = read_graph(ctx, graph_path, &g);
    if (st != PLN_OK) {
        const pln_error *e = pln_ctx_last_error(ctx);
        fprintf(err, "plnet: draw: %s\n", e->message[0] != '\0' ? e->message : pln_strerror(st));
        rc = st == PLN_EIO ? 2 : 1;
        goto done;
    }
    if (pln_graph_positions(g) == NULL) {
        st = pln_graph_layout(g, 1);
        if (st != PLN_OK) {
            const pln_error *e = pln_ctx_last_error(ctx);
            fprintf(err, "plnet: draw: layout: %s\n",
                    e->message[0] != '\0' ? e->message : pln_strerror(st));
            rc = 1;
            goto done;
        }
    }
    /* The run folder's name, else the file's. */
    const char *title = is_dir ? input : graph_path;
    const char *slash = strrchr(title, '/');
    rc = plnet_draw_network(g, log_scale, slash != NULL && slash[1] != '\0' ? slash + 1 : title,
                            svg, err);
    if (rc == 0) {
        fprintf(out, "wrote %s\n", svg);
    }
    if (rc == 0 && metrics != NULL && stat(metrics, &sb) == 0) {
        rc = plnet_plot_metrics(metrics, curves, err);
        if (rc == 0) {
            fprintf(out, "wrote %s\n", curves);
        }
    }
done:
    pln_graph_destroy(g);
    pln_ctx_destroy(ctx);
    free(graph_path);
    free(metrics);
    free(dir);
    free(svg);
    free(curves);
    return rc;
}
