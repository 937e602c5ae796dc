/* main.c — the plnet program: everything lives in the plnet_cli library so tests can run it in-process. */
#include "commands.h"

int main(int argc, char **argv)
{
    return pln_cli_run(argc, argv, stdout, stderr);
}
