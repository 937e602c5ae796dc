/* plnet.h — the one public header of libplnet: physical learning networks that learn in place. */
#ifndef PLNET_H
#define PLNET_H

#include "pln_common.h"
#include "pln_graph.h"
#include "pln_network.h"
#include "pln_solver.h"
#include "pln_states.h"
#include "pln_learning.h"
#include "pln_experiment.h"

#endif
