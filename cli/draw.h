/* draw.h — SVG pictures with cairo: the network at its positions, and a run's metrics as curves. */
#ifndef PLNET_CLI_DRAW_H
#define PLNET_CLI_DRAW_H

#include "plnet.h"

#include <stdbool.h>
#include <stdio.h>

/* Picture of g (which must have 2-D or 3-D positions; z is dropped): one stroked path per
 * edge, coloured and sized by conductance (the "conductance" edge attribute, else 1/
 * "resistance", else 1), linear or log10 scale, inside one cairo group (so the SVG keeps the
 * edges together as the one <g id="surface..."> in <defs>); marks for the node label "role"
 * (ground; sources: potential, current, input; targets: output), a colour bar and a legend.
 * Written to path atomically. Returns 0, or 1 with a message on err. */
int plnet_draw_network(const pln_graph *g, bool log_scale, const char *title, const char *path,
                       FILE *err);

/* Curves of a metrics CSV (header line; x is the column "step", else the first): columns
 * whose names hold "loss" or "error" on a log y axis, and, when present, the ledger columns
 * (names holding "joule", "bits", "landauer", "power" or "energy") on a second log panel.
 * Returns 0, or 1 with a message on err (unreadable file, no step column, nothing to plot). */
int plnet_plot_metrics(const char *csv_path, const char *path, FILE *err);

#endif
