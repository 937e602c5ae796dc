/* cli_helpers.c — in-process plnet runs with captured output, and a small CSV column reader. */
#include "cli_helpers.h"

#include "commands.h"
#include "test_support.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *tc_dir(const char *tag)
{
    return ts_tempdir(tag);
}

char *tc_fmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = malloc((size_t)len + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)len + 1, fmt, ap);
    va_end(ap);
    return s;
}

char *tc_write(const char *dir, const char *name, const char *text)
{
    char *path = tc_fmt("%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    if (fp != NULL) {
        fputs(text, fp);
        fclose(fp);
    }
    return path;
}

static char *slurp(FILE *fp)
{
    fflush(fp);
    long len = ftell(fp);
    rewind(fp);
    char *s = malloc((size_t)len + 1);
    size_t got = fread(s, 1, (size_t)len, fp);
    s[got] = '\0';
    return s;
}

int tc_run(char **out, char **err, ...)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = (char *)"plnet";
    va_list ap;
    va_start(ap, err);
    for (char *a = va_arg(ap, char *); a != NULL && argc < 31; a = va_arg(ap, char *)) {
        argv[argc++] = a;
    }
    va_end(ap);
    argv[argc] = NULL;
    FILE *fo = tmpfile();
    FILE *fe = tmpfile();
    int rc = pln_cli_run(argc, argv, fo, fe);
    if (out != NULL) {
        *out = slurp(fo);
    }
    if (err != NULL) {
        *err = slurp(fe);
    }
    fclose(fo);
    fclose(fe);
    return rc;
}

/* Split one CSV line in place (no quoting: plnet writes none). */
static int split(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    line[strcspn(line, "\r\n")] = '\0';
    while (n < max) {
        fields[n++] = p;
        char *c = strchr(p, ',');
        if (c == NULL) {
            break;
        }
        *c = '\0';
        p = c + 1;
    }
    return n;
}

char **tc_column_str(const char *path, const char *name, size_t *n)
{
    *n = 0;
    FILE *fp = fopen(path, "r");
    if (fp == NULL) {
        return NULL;
    }
    char line[4096];
    char *f[64];
    int col = -1;
    if (fgets(line, sizeof line, fp) != NULL) {
        int nf = split(line, f, 64);
        for (int k = 0; k < nf; k++) {
            if (strcmp(f[k], name) == 0) {
                col = k;
            }
        }
    }
    if (col < 0) {
        fclose(fp);
        return NULL;
    }
    size_t cap = 16;
    char **v = malloc(cap * sizeof *v);
    while (fgets(line, sizeof line, fp) != NULL) {
        int nf = split(line, f, 64);
        if (nf <= col) {
            continue;
        }
        if (*n == cap) {
            cap *= 2;
            v = realloc(v, cap * sizeof *v);
        }
        v[(*n)++] = strdup(f[col]);
    }
    fclose(fp);
    return v;
}

double *tc_column(const char *path, const char *name, size_t *n)
{
    char **s = tc_column_str(path, name, n);
    if (s == NULL) {
        return NULL;
    }
    double *v = malloc((*n > 0 ? *n : 1) * sizeof *v);
    for (size_t k = 0; k < *n; k++) {
        v[k] = strtod(s[k], NULL);
        free(s[k]);
    }
    free(s);
    return v;
}

int tc_count_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        return 0;
    }
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            n++;
        }
    }
    closedir(d);
    return n;
}

bool tc_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}
