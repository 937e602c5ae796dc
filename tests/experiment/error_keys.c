/* error_keys.c — for each library error key given, the configuration key the experiment names instead and whether the table has it (or a section above it); prints the keys that map to nothing and fails. */
#include "experiment_impl.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    pln_experiment_desc d;
    pln_experiment_desc_default(&d);
    int missing = 0;
    for (int k = 1; k < argc; k++) {
        char buf[256];
        const char *key = pln_i_experiment_key(argv[k], &d, buf, sizeof buf);
        char base[256];
        snprintf(base, sizeof base, "%s", key);
        char *br = strchr(base, '[');
        if (br != NULL) {
            *br = '\0';
        }
        const pln_key *row = pln_config_find(base);
        if (row == NULL) {
            printf("%s -> %s: no row in the configuration table\n", argv[k], key);
            missing++;
        } else {
            printf("%s -> %s\n", argv[k], key);
        }
    }
    printf("%d keys, %d without a row\n", argc - 1, missing);
    return missing > 0 ? 1 : 0;
}
