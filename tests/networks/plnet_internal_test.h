/* plnet_internal_test.h — what the network and states tests include. */
#ifndef PLNET_INTERNAL_TEST_H
#define PLNET_INTERNAL_TEST_H
#include "pln_common.h"
#include "pln_graph.h"
#include "pln_network.h"
#include "test_support.h"
#endif
