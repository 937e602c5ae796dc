/* draw.h — plnet draw's figures (SVG with text as text, PDF, PNG): the network at its positions, and a run's metrics as curves. */
#ifndef PLNET_CLI_DRAW_H
#define PLNET_CLI_DRAW_H

#include "canvas.h"
#include "plnet.h"

#include <stdbool.h>
#include <stdio.h>

/* The format and size of a figure (width, height in SVG/PNG pixels or PDF points; 0 takes
 * the figure's default). */
typedef struct plnet_figure {
    plnet_format format;
    double width, height;
} plnet_figure;

/* The unit of an edge or node quantity by its attribute name ("S", "N/m", "m", "1", ...), or
 * NULL when unknown. */
const char *plnet_quantity_unit(const char *name);

/* Picture of g (which must have 2-D or 3-D positions; z is dropped): one stroked segment per
 * edge in the group id="edges", coloured and sized by the edge attribute `edge_attr` (NULL:
 * "conductance", else "stiffness", else 1/"resistance", else 1), linear or log10 scale;
 * under them the springs marked "source" and "target" (0/1 edge attributes) in id="edge-roles";
 * marks for the node label "role" (ground; sources: potential, current, input; targets:
 * output; pin; force) in id="nodes", a colour bar with the quantity and its unit, and a
 * legend of the marks present. Written to path atomically. Returns 0, 2 (no attribute
 * edge_attr: the message lists those there are), or 1 with a message on err. */
int plnet_draw_network(const pln_graph *g, bool log_scale, const char *edge_attr,
                       const char *title, const plnet_figure *fig, const char *path, FILE *err);

/* Curves of a metrics CSV (header line; x is the column "step", else the first): columns
 * whose names hold "loss" or "error" (or "accuracy") on a log y axis in out_unit (e.g. "V²";
 * NULL: "output units²"), and, when present, the ledger columns (names holding "joule",
 * "bits", "landauer", "power" or "energy") on a second log panel; zeros drawn on a zero line
 * below the decades; curves that coincide stay visible (each its own width, dash and
 * markers). Returns 0, or 1 with a message on err (unreadable file, no step column, nothing
 * to plot). */
int plnet_plot_metrics(const char *csv_path, const char *out_unit, const plnet_figure *fig,
                       const char *path, FILE *err);

#endif
