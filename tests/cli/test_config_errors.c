/* test_config_errors.c — every bad experiment file stops plnet with file:line:col and writes no result. */
#include "cli_helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Run `plnet solve` on yaml (plus optional extra files); assert exit 2 (or `want_rc`), that
 * stderr holds every needle, and that the output folder was never created. */
static void expect_error(const char *tag, const char *yaml, int want_rc, const char *needle1,
                         const char *needle2)
{
    char *dir = tc_dir(tag);
    free(tc_write(dir, "two.txt", "0 1\n1 2\n3 4\n"));
    free(tc_write(dir, "chain.txt", "0 1 1.0\n1 2 2.0\n2 3 1.0\n"));
    char *cfg = tc_write(dir, "exp.yaml", yaml);
    char *outdir = tc_fmt("%s/out", dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "solve", cfg, "-o", outdir, NULL);
    cr_assert_eq(rc, want_rc, "exit %d, want %d; stderr: %s", rc, want_rc, err);
    cr_assert(strstr(err, needle1) != NULL, "stderr lacks '%s':\n%s", needle1, err);
    if (needle2 != NULL) {
        cr_assert(strstr(err, needle2) != NULL, "stderr lacks '%s':\n%s", needle2, err);
    }
    cr_assert(strncmp(err, "plnet: ", 7) == 0, "%s", err);
    cr_assert(!tc_exists(outdir), "a failed run created %s", outdir);
    free(err);
    free(outdir);
    free(cfg);
    free(dir);
}

Test(config_errors, unknown_key_names_key_and_position)
{
    expect_error("unknown", "name: x\nnetwork:\n  kind: resistor\n  grpah: {}\n", 2,
                 "exp.yaml:4:3: unknown key 'grpah' in network", NULL);
}

Test(config_errors, unknown_top_level_key)
{
    expect_error("unknown-top", "seed: 3\nlearnig: {rate: 0.1}\n", 2,
                 "exp.yaml:2:1: unknown key 'learnig'", NULL);
}

Test(config_errors, string_where_number_expected)
{
    expect_error("type", "network:\n  viscosity: abc\n", 2,
                 "exp.yaml:2:14: network.viscosity: expected a number, got 'abc'", NULL);
}

Test(config_errors, quoted_number_is_a_string)
{
    expect_error("quoted", "learning:\n  rate: \"0.1\"\n", 2, "exp.yaml:2:9: learning.rate",
                 NULL);
}

Test(config_errors, list_where_integer_expected)
{
    expect_error("type2", "train: {steps: [1, 2]}\n", 2,
                 "exp.yaml:1:16: train.steps: expected an integer, got a list", NULL);
}

Test(config_errors, missing_graph_file)
{
    expect_error("nofile", "network:\n  graph: {file: nope.txt}\n", 2,
                 "exp.yaml:2:17: network.graph.file: cannot open", "nope.txt");
}

Test(config_errors, negative_conductance)
{
    expect_error("negk", "network:\n  edges:\n    conductance: {init: constant, value: -2.5}\n",
                 2, "exp.yaml:3:42: network.edges.conductance.value must be > 0", NULL);
}

Test(config_errors, node_id_out_of_range_names_node_and_position)
{
    expect_error("range",
                 "network: {graph: {generator: square_lattice, size: [4, 4]}}\n"
                 "boundary:\n  ground: [0]\n  currents: {nodes: [3, 16], values: [1, -1]}\n",
                 2, "exp.yaml:4:25: boundary.currents.nodes: node 16 does not exist", NULL);
}

Test(config_errors, edge_id_out_of_range)
{
    expect_error("erange",
                 "network: {graph: {file: chain.txt}}\nboundary:\n  ground: [0]\n"
                 "  edge_sources: {edges: [3], values: [1]}\n",
                 2, "exp.yaml:4:26: boundary.edge_sources.edges: edge 3 does not exist", NULL);
}

Test(config_errors, nudge_above_one)
{
    expect_error("nudge", "learning:\n  nudge: 1.5\n", 2,
                 "exp.yaml:2:10: learning.nudge must be in (0, 1], got 1.5", NULL);
}

Test(config_errors, enum_value_not_in_list)
{
    expect_error("enum", "network:\n  kind: capacitor\n", 2,
                 "exp.yaml:2:9: network.kind: 'capacitor' is not one of resistor, flow", NULL);
}

Test(config_errors, floating_component_names_its_nodes)
{
    expect_error("float", "network: {graph: {file: two.txt}}\nboundary: {ground: [0]}\n", 2,
                 "exp.yaml:2:20: nodes 3, 4 (2 nodes) form a component with no ground", NULL);
}

Test(config_errors, overlapping_roles_name_the_node)
{
    expect_error("overlap",
                 "boundary:\n  ground: [0]\n  potentials: {nodes: [5, 0], values: [1, 2]}\n",
                 2, "exp.yaml:3:27: boundary.potentials.nodes: node 0 is already taken as ground",
                 NULL);
}

Test(config_errors, duplicate_input_node)
{
    expect_error("dup", "task:\n  inputs: {nodes: [3, 3], values: [1, 2]}\n", 2,
                 "exp.yaml:2:23: task.inputs.nodes: node 3 is already listed as an input", NULL);
}

Test(config_errors, values_count_mismatch)
{
    expect_error("count", "boundary:\n  currents: {nodes: [1, 2], values: [1]}\n", 2,
                 "exp.yaml:2:37: boundary.currents: 1 values for 2 nodes", NULL);
}

Test(config_errors, duplicate_yaml_key)
{
    expect_error("dupkey", "seed: 1\nseed: 2\n", 2, "exp.yaml:2:1: duplicate key 'seed'", NULL);
}

Test(config_errors, yaml_syntax_error_has_position)
{
    expect_error("syntax", "network: {kind: resistor\n", 2, "exp.yaml:2:1: YAML syntax error",
                 NULL);
}

Test(config_errors, spring_without_pins_is_under_constrained)
{
    expect_error("spring", "network:\n  kind: spring\n"
                 "  graph: {generator: triangular_lattice, size: [4, 4]}\n", 1,
                 "node 0: under-constrained: pin at least 2 more nodes", NULL);
}

Test(config_errors, radius_block_needs_flow)
{
    expect_error("radius", "network:\n  edges:\n    radius: {init: constant, value: 1.0}\n", 2,
                 "exp.yaml:3:5: network.edges.radius: only a flow network", NULL);
}

Test(config_errors, edge_source_between_fixed_nodes_is_a_library_error)
{
    /* Both ends of edge 0 are fixed and 1 V apart while the edge source demands 2 V: the
     * library refuses, and the CLI reports it as a runtime failure naming the edge or node. */
    expect_error("contradict",
                 "network: {graph: {file: chain.txt}}\n"
                 "boundary:\n  ground: [0]\n  potentials: {nodes: [1], values: [1.0]}\n"
                 "  edge_sources: {edges: [0], values: [2.0]}\n",
                 1, "plnet: ", NULL);
}

/* Issue 12: only the values an init draws from are checked against the bounds. */
Test(config_errors, unused_edge_values_are_not_checked_against_the_bounds)
{
    char *dir = tc_dir("unused-bounds");
    char *cfg = tc_write(dir, "exp.yaml",
                         "network:\n  graph: {generator: square_lattice, size: [3, 3]}\n"
                         "  edges:\n    conductance: {init: constant, value: 5.0e-4, min: 1.0e-4, "
                         "max: 1.0e-3}\n");
    char *outdir = tc_fmt("%s/out", dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "solve", cfg, "-o", outdir, NULL);
    cr_assert_eq(rc, 0, "the unused default low 0.5 failed the run: %s", err);
    free(err);
    free(outdir);
    free(cfg);
    free(dir);
    /* A draw does use low and high. */
    expect_error("used-bounds",
                 "network:\n  edges:\n    conductance: {init: uniform, min: 1.0e-4, max: 1.0e-3}\n",
                 2, "network.edges.conductance.low = 0.5 is outside [min, max] = [0.0001, 0.001]",
                 NULL);
    /* Bounds always matter: they clip learning. */
    expect_error("bad-bounds",
                 "network:\n  edges:\n    conductance: {init: constant, min: 2.0, max: 1.0}\n", 2,
                 "exp.yaml:3:50: network.edges.conductance.max (1) must be greater than", NULL);
}

/* The temporal learner is a learner; rule: temporal still reads as it. */
Test(config_errors, rule_temporal_reads_as_the_temporal_learner)
{
    char *dir = tc_dir("rule-temporal");
    char *cfg = tc_write(dir, "exp.yaml", "learning: {rule: temporal}\n");
    char *out = NULL;
    char *err = NULL;
    char *outdir = tc_fmt("%s/out", dir);
    int rc = tc_run(&out, &err, "solve", cfg, "-o", outdir, NULL);
    cr_assert_eq(rc, 0, "%s", err);
    char *rpath = tc_fmt("%s/config.resolved.yaml", outdir);
    size_t n = 0;
    FILE *fp = fopen(rpath, "r");
    char text[8192];
    n = fread(text, 1, sizeof text - 1, fp);
    text[n] = '\0';
    fclose(fp);
    cr_assert(strstr(text, "  learner: temporal\n  rule: coupled\n") != NULL, "%s", text);
    free(rpath);
    free(outdir);
    free(out);
    free(err);
    free(cfg);
    free(dir);
    expect_error("rule-learner", "learning: {learner: contrastive, rule: temporal}\n", 2,
                 "exp.yaml:1:40: learning.rule: temporal is a learner, not a rule", NULL);
}

/* Issue 13: network.elements' bad parameters stop at their own line:col, naming the key. */
#define ELEMENTS_HEAD "network:\n  graph: {generator: square_lattice, size: [3, 3]}\n  elements:\n"

Test(config_errors, bad_element_parameters_name_the_key_at_its_position)
{
    expect_error("el-is", ELEMENTS_HEAD "    diode_is: 0.0\n", 2,
                 "exp.yaml:4:15: network.elements.diode_is must be > 0, got 0", NULL);
    expect_error("el-is-neg", ELEMENTS_HEAD "    diode_is: -1.0e-14\n", 2,
                 "exp.yaml:4:15: network.elements.diode_is must be > 0", NULL);
    expect_error("el-n", ELEMENTS_HEAD "    kind: diode\n    diode_n: -1\n", 2,
                 "exp.yaml:5:14: network.elements.diode_n must be > 0, got -1", NULL);
    expect_error("el-kp", ELEMENTS_HEAD "    kp: 0\n", 2,
                 "exp.yaml:4:9: network.elements.kp must be > 0, got 0", NULL);
    expect_error("el-nan", ELEMENTS_HEAD "    kp: .nan\n", 2,
                 "exp.yaml:4:9: network.elements.kp: expected a finite number", NULL);
    expect_error("el-vto-nan", ELEMENTS_HEAD "    vto: .nan\n", 2,
                 "exp.yaml:4:10: network.elements.vto: expected a finite number", NULL);
    expect_error("el-rs", ELEMENTS_HEAD "    diode_rs: -5\n", 2,
                 "exp.yaml:4:15: network.elements.diode_rs must be >= 0", NULL);
    expect_error("el-gate", ELEMENTS_HEAD "    gate: {init: uniform, low: 0.0, high: 2.0, max: 1.0}\n",
                 2, "exp.yaml:4:43: network.elements.gate.high = 2 is outside [min, max]", NULL);
    expect_error("el-kind", ELEMENTS_HEAD "    kind: bjt\n", 2,
                 "exp.yaml:4:11: network.elements.kind", "nmos");
}

Test(config_errors, element_edge_lists_are_checked)
{
    expect_error("el-twice", ELEMENTS_HEAD "    edges: {diode: [1, 2], nmos: [3, 2]}\n", 2,
                 "exp.yaml:4:38: network.elements.edges.nmos[1]: edge 2 is already listed as a "
                 "diode",
                 NULL);
    expect_error("el-range", ELEMENTS_HEAD "    edges: {diode: [1, 12]}\n", 2,
                 "exp.yaml:4:24: network.elements.edges.diode: edge 12 does not exist (the graph "
                 "has 12)",
                 NULL);
    expect_error("el-table", ELEMENTS_HEAD "    edges: {table: [1]}\n", 2,
                 "network.elements.edges.table: table elements need network.elements.iv", NULL);
    expect_error("el-iv", ELEMENTS_HEAD "    iv: {v: [-1, 0, 1], i: [0, 1]}\n", 2,
                 "network.elements.iv: 2 currents for 3 voltages", NULL);
    expect_error("el-iv-fall", ELEMENTS_HEAD "    edges: {table: [1]}\n    iv: {v: [-1, 0, 1], i: [0, 0, -1]}\n",
                 2, "exp.yaml:5:9: network.elements.iv: ", "the current falls");
    expect_error("el-flow", "network:\n  kind: flow\n  elements:\n    kind: diode\n", 2,
                 "exp.yaml:3:3: network.elements: only a resistor network", NULL);
    expect_error("el-dof", "network:\n  kind: flow\nlearning:\n  dof: element\n", 2,
                 "exp.yaml:4:8: learning.dof: element learns the elements of a resistor network",
                 NULL);
}

/* A graph file's bad device value names the edge and its attribute. */
Test(config_errors, bad_element_parameter_in_a_graph_file_names_the_edge)
{
    char *dir = tc_dir("el-graphml");
    char *gml = tc_write(dir, "g.graphml",
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
             "  <key id=\"el\" for=\"edge\" attr.name=\"element\" attr.type=\"double\"/>\n"
             "  <key id=\"n\" for=\"edge\" attr.name=\"diode_n\" attr.type=\"double\"/>\n"
             "  <graph edgedefault=\"directed\">\n"
             "    <node id=\"a\"/><node id=\"b\"/><node id=\"c\"/>\n"
             "    <edge source=\"a\" target=\"b\"/>\n"
             "    <edge source=\"b\" target=\"c\"><data key=\"el\">1</data>"
             "<data key=\"n\">0</data></edge>\n"
             "  </graph>\n</graphml>\n");
    char *cfg = tc_write(dir, "exp.yaml",
                         "network:\n  graph: {file: g.graphml}\nboundary:\n  ground: [0]\n"
                         "  potentials: {nodes: [2], values: [1.0]}\n");
    char *outdir = tc_fmt("%s/out", dir);
    char *err = NULL;
    int rc = tc_run(NULL, &err, "solve", cfg, "-o", outdir, NULL);
    cr_assert_neq(rc, 0);
    cr_assert(strstr(err, "edge 1 (diode): diode_n = 0 1: it must be > 0") != NULL, "%s", err);
    cr_assert(!tc_exists(outdir));
    free(err);
    free(outdir);
    free(cfg);
    free(gml);
    free(dir);
}

/* A protocol section under the contrastive learner would be ignored: refused at its line. */
Test(config_errors, protocol_section_under_a_contrastive_learner)
{
    expect_error("protocol-contrastive",
                 "name: x\nlearning: {rule: coupled}\nprotocol:\n  memory: {kind: markov_ladder}\n",
                 2, "exp.yaml:4:", "set learning.learner: temporal, or remove the section");
}
