/* fuzz_config.c — libFuzzer harness for the experiment-file loader (libyaml and plnet's checks): any bytes, no crash, no leak. */
#define _DEFAULT_SOURCE
#include "config.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink = NULL;
    if (sink == NULL) {
        sink = fopen("/dev/null", "w");
    }
    const char *path = fuzz_input_path(data, size, ".yaml");
    if (path == NULL || sink == NULL) {
        return 0;
    }
    plnet_config cfg;
    if (plnet_config_load(path, &cfg, sink) == 0) {
        /* A loaded config must also write out as YAML (the resolved file). */
        plnet_config_write(&cfg, sink);
    }
    plnet_config_free(&cfg);
    return 0;
}
