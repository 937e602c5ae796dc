/* test_args.c — plnet's command line: help generated from the dispatch table, version, exit codes. */
#include "cli_helpers.h"

#include "plnet.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

Test(args, help_lists_every_command_and_exits_0)
{
    char *out = NULL;
    int rc = tc_run(&out, NULL, "--help", NULL);
    cr_assert_eq(rc, 0);
    const char *cmds[] = {"solve", "info", "export", "train"};
    for (int k = 0; k < 4; k++) {
        cr_assert(strstr(out, cmds[k]) != NULL, "--help lacks %s:\n%s", cmds[k], out);
    }
    cr_assert(strstr(out, "usage: plnet") != NULL);
    free(out);
}

Test(args, version_prints_the_library_version)
{
    char *out = NULL;
    int rc = tc_run(&out, NULL, "--version", NULL);
    cr_assert_eq(rc, 0);
    char *want = tc_fmt("plnet %s\n", pln_version());
    cr_assert_str_eq(out, want);
    free(want);
    free(out);
}

Test(args, command_help_describes_its_options)
{
    char *out = NULL;
    cr_assert_eq(tc_run(&out, NULL, "solve", "--help", NULL), 0);
    cr_assert(strstr(out, "usage: plnet solve") != NULL && strstr(out, "-o") != NULL);
    free(out);
    cr_assert_eq(tc_run(&out, NULL, "export", "--help", NULL), 0);
    cr_assert(strstr(out, "--spice") != NULL);
    free(out);
}

Test(args, unknown_command_exits_2_and_names_it)
{
    char *err = NULL;
    cr_assert_eq(tc_run(NULL, &err, "sovle", "x.yaml", NULL), 2);
    cr_assert(strstr(err, "plnet: unknown command 'sovle'") != NULL, "%s", err);
    free(err);
}

Test(args, no_arguments_and_bad_options_exit_2)
{
    cr_assert_eq(tc_run(NULL, NULL, NULL), 2);
    cr_assert_eq(tc_run(NULL, NULL, "solve", NULL), 2);
    cr_assert_eq(tc_run(NULL, NULL, "solve", "--frobnicate", "a.yaml", NULL), 2);
    cr_assert_eq(tc_run(NULL, NULL, "solve", "a.yaml", "-o", NULL), 2);
    cr_assert_eq(tc_run(NULL, NULL, "export", "a.yaml", NULL), 2); /* no format */
}

Test(args, missing_config_file_exits_2_naming_it)
{
    char *err = NULL;
    cr_assert_eq(tc_run(NULL, &err, "solve", "/nonexistent/plnet.yaml", NULL), 2);
    cr_assert(strstr(err, "plnet: /nonexistent/plnet.yaml: cannot open") != NULL, "%s", err);
    free(err);
}

Test(args, the_real_binary_answers_version)
{
    const char *bin = getenv("PLNET_BIN");
    if (bin == NULL) {
        cr_skip("PLNET_BIN not set (run under meson test)");
    }
    char *cmd = tc_fmt("'%s' --version > /dev/null 2>&1", bin);
    cr_assert_eq(system(cmd), 0);
    free(cmd);
    cmd = tc_fmt("'%s' nosuchcommand > /dev/null 2>&1", bin);
    int st = system(cmd);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
    free(cmd);
}
