/* config_doc.c — the configuration table as the markdown tables of docs/config.md: one table per top-level section, every key with its type, default (from pln_experiment_desc_default), unit and meaning. */
#include "config_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void type_text(const pln_key *k, char *buf, size_t size)
{
    char range[96] = "";
    if (k->min != 0.0 || k->max != 0.0 || k->min_open || k->max_open) {
        if (isinf(k->max) && isinf(k->min)) {
            snprintf(range, sizeof range, " (finite)");
        } else if (isinf(k->max)) {
            snprintf(range, sizeof range, " %s %g", k->min_open ? ">" : ">=", k->min);
        } else {
            snprintf(range, sizeof range, " in %c%g, %g%c", k->min_open ? '(' : '[', k->min,
                     k->max, k->max_open ? ')' : ']');
        }
    }
    switch (k->type) {
    case PLN_KEY_BOOL:
        snprintf(buf, size, "bool");
        break;
    case PLN_KEY_INT:
        snprintf(buf, size, "int%s", range);
        break;
    case PLN_KEY_REAL:
        snprintf(buf, size, "float%s", range);
        break;
    case PLN_KEY_STRING:
        snprintf(buf, size, "str");
        break;
    case PLN_KEY_PATH:
        snprintf(buf, size, "path");
        break;
    case PLN_KEY_ENUM:
        buf[0] = '\0';
        for (int j = 0; k->names[j] != NULL; j++) {
            char one[64];
            snprintf(one, sizeof one, "%s`%s`", j > 0 ? " \\| " : "", k->names[j]);
            strncat(buf, one, size - strlen(buf) - 1);
        }
        break;
    case PLN_KEY_IDS:
        snprintf(buf, size, "ids");
        break;
    case PLN_KEY_REALS:
        snprintf(buf, size, "floats");
        break;
    case PLN_KEY_STRINGS:
        snprintf(buf, size, "list of str");
        break;
    case PLN_KEY_INT_PAIR:
        snprintf(buf, size, "[int, int]%s", range);
        break;
    case PLN_KEY_REAL_PAIR:
        snprintf(buf, size, "[float, float]");
        break;
    case PLN_KEY_VECTORS:
        snprintf(buf, size, "list of [x, y(, z)]");
        break;
    case PLN_KEY_AXES:
        snprintf(buf, size, "list of axis sets (`x`, `xy`, `xyz`, ...)");
        break;
    default:
        buf[0] = '\0';
        break;
    }
}

/* The table of one top-level section ("" for the keys at the top). */
static void section(const pln_experiment_desc *d, const char *top)
{
    printf("<!-- keys: %s -->\n", top[0] != '\0' ? top : "top");
    printf("| key | type | default | unit | meaning |\n|---|---|---|---|---|\n");
    size_t n = strlen(top);
    for (pln_idx i = 0; i < pln_config_n_keys(); i++) {
        const pln_key *k = pln_config_key(i);
        if (k->type == PLN_KEY_SECTION || (k->flags & PLN_KEY_ALIAS) != 0) {
            continue;
        }
        bool mine = n == 0 ? strchr(k->key, '.') == NULL
                           : strncmp(k->key, top, n) == 0 && k->key[n] == '.';
        if (!mine) {
            continue;
        }
        char type[512];
        type_text(k, type, sizeof type);
        char def[512];
        if (k->default_doc != NULL) {
            snprintf(def, sizeof def, "%s", k->default_doc);
        } else {
            pln_i_config_value_text(d, k, def, sizeof def);
        }
        /* A value in code style; the prose of a default that depends on other keys not. */
        printf(k->default_doc != NULL ? "| `%s` | %s | %s | %s | %s |\n"
                                      : "| `%s` | %s | `%s` | %s | %s |\n",
               k->key, type, def, k->unit != NULL ? k->unit : "", k->doc != NULL ? k->doc : "");
    }
    printf("<!-- /keys -->\n");
}

int main(void)
{
    pln_experiment_desc d;
    pln_experiment_desc_default(&d);
    section(&d, "");
    for (pln_idx i = 0; i < pln_config_n_keys(); i++) {
        const pln_key *k = pln_config_key(i);
        if (k->type == PLN_KEY_SECTION && strchr(k->key, '.') == NULL) {
            section(&d, k->key);
        }
    }
    return 0;
}
