/* cmd_train.c — `plnet train`: placeholder until the learning module lands (replaced by the learning work). */
#include "commands.h"

int plnet_cmd_train(int argc, char **argv, FILE *out, FILE *err)
{
    (void)argc;
    (void)argv;
    (void)out;
    fprintf(err, "plnet: train: not implemented yet\n");
    return 1;
}
