/* cmd_draw.c — `plnet draw`: SVG pictures of a run (network.svg, curves.svg) or of a network file. */
#include "commands.h"
#include "draw.h"
#include "outfile.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char usage[] =
    "usage: plnet draw RUN_DIR|NETWORK_FILE [-o DIR] [--log] [--edge-attr NAME]\n"
    "                  [--format svg|pdf|png] [--width W] [--height H]\n"
    "       plnet draw SWEEP_DIR [...]   (see plnet draw SWEEP_DIR --help)\n\n"
    "Draw a run folder (its network.graphml, and metrics.csv when present; a plnet solve\n"
    "folder too) or a network file (GraphML; SPICE netlist .cir/.sp/.net/.spice; else an\n"
    "edge list) as pictures fit for a paper (SVG with its text as <text>, PDF with its fonts\n"
    "embedded, or PNG):\n"
    "  network.EXT  edges at the node positions (a seeded force-directed layout when the graph\n"
    "               has none), coloured and sized by an edge quantity (conductance, or the\n"
    "               stiffness of springs, unless --edge-attr names another), with marks for\n"
    "               ground, sources, targets, pins and forces (the node label \"role\"), the\n"
    "               source and target springs outlined, a colour bar with the quantity and its\n"
    "               unit, and a legend; diodes, transistors and table elements (edge\n"
    "               attribute \"element\") in grey with a dash pattern and a marker per\n"
    "               kind, the marker filled by the operating region (edge attribute\n"
    "               \"region\", from plnet solve)\n"
    "  curves.EXT   metrics.csv: loss and errors against step on a log axis with units\n"
    "               (output units from the run's config.resolved.yaml), and the energy\n"
    "               ledger terms when the file has them; zeros on a zero line below the\n"
    "               decades; every curve with its own width, dash and markers, so that\n"
    "               curves that coincide (a regression's loss and train error) stay visible\n\n"
    "options:\n"
    "  -o, --output DIR  output folder (default: the run folder, or the file's folder)\n"
    "  --log             colour and width by log10 of the edge quantity\n"
    "  --edge-attr NAME  the edge quantity: any numeric edge attribute of the GraphML, e.g.\n"
    "                    conductance (S), stiffness (N/m), rest_length (m); of a spring\n"
    "                    solve's folder also strain (1), tension (N), length (m), energy (J)\n"
    "  --format F        svg (default), pdf or png\n"
    "  --width W         width in px (svg, png) or pt (pdf); default 760\n"
    "  --height H        height; default 600 (network), 320 per panel (curves)\n"
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

/* The unit of a run's outputs squared, from network.kind and the output kinds in its
 * config.resolved.yaml (NULL when the file is absent or says neither). */
static const char *output_unit(const char *resolved)
{
    FILE *fp = resolved != NULL ? fopen(resolved, "r") : NULL;
    if (fp == NULL) {
        return NULL;
    }
    char line[512];
    const char *unit = NULL;
    bool in_network = false;
    while (fgets(line, sizeof line, fp) != NULL) {
        if (line[0] != ' ' && line[0] != '#') {
            in_network = strncmp(line, "network:", 8) == 0;
        }
        char kind[64];
        if (in_network && sscanf(line, "  kind: %63s", kind) == 1) {
            unit = strcmp(kind, "resistor") == 0 ? "V²"
                   : strcmp(kind, "flow") == 0   ? "Pa²"
                   : strncmp(kind, "spring", 6) == 0 ? "m², strain 1"
                                                     : NULL;
        }
    }
    fclose(fp);
    return unit;
}

int plnet_cmd_draw(int argc, char **argv, FILE *out, FILE *err)
{
    /* A sweep folder (plnet sweep) has its own picture: draw_sweep.c. */
    if (plnet_draw_is_sweep(argc, argv)) {
        return plnet_cmd_draw_sweep(argc, argv, out, err);
    }
    const char *input = NULL;
    const char *outdir = NULL;
    const char *edge_attr = NULL;
    bool log_scale = false;
    plnet_figure fig = {PLNET_FORMAT_SVG, 0.0, 0.0};
    for (int k = 1; k < argc; k++) {
        const char *s = argv[k];
        const char *name = NULL, *value = NULL;
        char buf[64];
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            fputs(usage, out);
            return 0;
        } else if (strcmp(s, "--log") == 0) {
            log_scale = true;
        } else if (strncmp(s, "--edge-attr", 11) == 0 || strncmp(s, "--format", 8) == 0 ||
                   strncmp(s, "--width", 7) == 0 || strncmp(s, "--height", 8) == 0) {
            int orc = plnet_option_value(argc, argv, &k, &name, &value, buf, sizeof buf, err);
            if (orc != 0) {
                return orc;
            }
            if (strcmp(name, "--edge-attr") == 0) {
                edge_attr = value;
            } else if (strcmp(name, "--format") == 0) {
                if (!plnet_format_parse(value, &fig.format)) {
                    fprintf(err, "plnet: draw: --format %s: svg, pdf or png\n", value);
                    return 2;
                }
            } else if (strcmp(name, "--width") == 0 || strcmp(name, "--height") == 0) {
                char *end = NULL;
                double v = strtod(value, &end);
                if (end == value || *end != '\0' || !(v >= 100.0 && v <= 20000.0)) {
                    fprintf(err, "plnet: draw: %s %s: a size from 100 to 20000 (px or pt)\n",
                            name, value);
                    return 2;
                }
                *(strcmp(name, "--width") == 0 ? &fig.width : &fig.height) = v;
            } else {
                fprintf(err, "plnet: draw: unknown option '%s' (see plnet draw --help)\n", name);
                return 2;
            }
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
    if (is_dir) {
        /* A run that a failure or a kill left mid-write: its files may not belong together. */
        pln_run_info info;
        pln_run_folder_info(input, &info);
        if (info.state == PLN_RUN_RUNNING) {
            fprintf(err, "plnet: draw: warning: the run in %s is incomplete (its %s says "
                         "running): its files may be of different steps\n", input,
                    PLN_RUN_MARKER);
        }
    }
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
    char net_name[32], curves_name[32];
    snprintf(net_name, sizeof net_name, "network.%s", plnet_format_ext(fig.format));
    snprintf(curves_name, sizeof curves_name, "curves.%s", plnet_format_ext(fig.format));
    char *svg = dir != NULL ? plnet_path_join(dir, net_name) : NULL;
    char *curves = dir != NULL ? plnet_path_join(dir, curves_name) : NULL;
    char *resolved = is_dir ? plnet_path_join(input, "config.resolved.yaml") : NULL;
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
    rc = plnet_draw_network(g, log_scale, edge_attr,
                            slash != NULL && slash[1] != '\0' ? slash + 1 : title, &fig, svg, err);
    if (rc == 0) {
        fprintf(out, "wrote %s\n", svg);
    }
    if (rc == 0 && metrics != NULL && stat(metrics, &sb) == 0) {
        rc = plnet_plot_metrics(metrics, output_unit(resolved), &fig, curves, err);
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
    free(resolved);
    return rc;
}
