/* io_spice.c — SPICE netlists in: resistors, diodes and level-1 NMOS transistors become edges with their element parameters, V and I sources a boundary (subset of SPICE3/ngspice syntax). */
#include "graph_impl.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A logical line longer than this is not a hand-written or plnet-written netlist. */
enum { MAX_TOKENS = 64 };

typedef struct text {
    char *s;
    size_t len;
    size_t cap;
} text;

static bool text_put(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t c = t->cap > 0 ? t->cap : 256;
        while (c < t->len + n + 1) {
            c *= 2;
        }
        char *q = pln_i_realloc(t->s, c);
        if (q == NULL) {
            return false;
        }
        t->s = q;
        t->cap = c;
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
    return true;
}

/* Node names, interned in a hash table (open addressing) so a node's id is its first
 * appearance. Names are stored lower-cased: SPICE node names are case-insensitive. */
typedef struct names {
    char **name; /* by id */
    pln_idx n;
    pln_idx cap;
    pln_idx *slot; /* hash slots: id + 1, 0 = empty */
    size_t n_slots;
} names;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static bool names_rehash(names *nm, size_t n_slots)
{
    pln_idx *slot = pln_i_calloc(n_slots, sizeof *slot);
    if (slot == NULL) {
        return false;
    }
    for (pln_idx id = 0; id < nm->n; id++) {
        size_t h = (size_t)(hash_str(nm->name[id]) & (n_slots - 1));
        while (slot[h] != 0) {
            h = (h + 1) & (n_slots - 1);
        }
        slot[h] = id + 1;
    }
    pln_i_free(nm->slot);
    nm->slot = slot;
    nm->n_slots = n_slots;
    return true;
}

/* Id of the (lower-cased) name, adding it when new; -1 when out of memory. */
static pln_idx names_get(names *nm, const char *s)
{
    if ((size_t)(nm->n + 1) * 2 > nm->n_slots) {
        if (!names_rehash(nm, nm->n_slots > 0 ? nm->n_slots * 2 : 64)) {
            return -1;
        }
    }
    size_t h = (size_t)(hash_str(s) & (nm->n_slots - 1));
    while (nm->slot[h] != 0) {
        pln_idx id = nm->slot[h] - 1;
        if (strcmp(nm->name[id], s) == 0) {
            return id;
        }
        h = (h + 1) & (nm->n_slots - 1);
    }
    if (nm->n == nm->cap) {
        pln_idx c = nm->cap > 0 ? nm->cap * 2 : 64;
        char **q = pln_i_realloc(nm->name, (size_t)c * sizeof *q);
        if (q == NULL) {
            return -1;
        }
        nm->name = q;
        nm->cap = c;
    }
    char *copy = pln_i_strdup(s);
    if (copy == NULL) {
        return -1;
    }
    nm->name[nm->n] = copy;
    nm->slot[h] = nm->n + 1;
    return nm->n++;
}

static void names_free(names *nm)
{
    for (pln_idx id = 0; id < nm->n; id++) {
        pln_i_free(nm->name[id]);
    }
    pln_i_free(nm->name);
    pln_i_free(nm->slot);
}

/* Growable arrays of one element type each. */
typedef struct elems {
    pln_idx n;
    pln_idx cap;
    pln_spice_source *v;
} elems;

static bool elems_push(elems *a, pln_spice_source s)
{
    if (a->n == a->cap) {
        pln_idx c = a->cap > 0 ? a->cap * 2 : 16;
        pln_spice_source *q = pln_i_realloc(a->v, (size_t)c * sizeof *q);
        if (q == NULL) {
            return false;
        }
        a->v = q;
        a->cap = c;
    }
    a->v[a->n++] = s;
    return true;
}

/* Parse a SPICE number: [+-]digits[.digits][e[+-]digits] then an optional scale suffix
 * (T G MEG K M U N P F MIL, case-insensitive; M is milli, MEG mega) and any further letters,
 * which SPICE ignores as units ("1kOhm", "2.2uF", "5V"). Nothing but letters may follow. */
static bool parse_value(const char *s, double *out)
{
    const char *p = s;
    if (*p == '+' || *p == '-') {
        p++;
    }
    const char *digits = p;
    while (isdigit((unsigned char)*p)) {
        p++;
    }
    bool any = p > digits;
    if (*p == '.') {
        p++;
        const char *frac = p;
        while (isdigit((unsigned char)*p)) {
            p++;
        }
        any = any || p > frac;
    }
    if (!any) {
        return false;
    }
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        if (*q == '+' || *q == '-') {
            q++;
        }
        if (isdigit((unsigned char)*q)) {
            while (isdigit((unsigned char)*q)) {
                q++;
            }
            p = q;
        }
    }
    char num[128];
    size_t len = (size_t)(p - s);
    if (len >= sizeof num) {
        return false;
    }
    memcpy(num, s, len);
    num[len] = '\0';
    errno = 0;
    double v = strtod(num, NULL);
    if (errno == ERANGE && fabs(v) > 1.0) {
        return false;
    }
    double scale = 1.0;
    char suf[4] = {0};
    for (int k = 0; k < 3 && p[k] != '\0'; k++) {
        suf[k] = (char)tolower((unsigned char)p[k]);
    }
    const char *rest = p;
    if (strncmp(suf, "meg", 3) == 0) {
        scale = 1e6;
        rest = p + 3;
    } else if (strncmp(suf, "mil", 3) == 0) {
        scale = 25.4e-6;
        rest = p + 3;
    } else {
        switch (suf[0]) {
        case 't': scale = 1e12; break;
        case 'g': scale = 1e9; break;
        case 'k': scale = 1e3; break;
        case 'm': scale = 1e-3; break;
        case 'u': scale = 1e-6; break;
        case 'n': scale = 1e-9; break;
        case 'p': scale = 1e-12; break;
        case 'f': scale = 1e-15; break;
        default: break;
        }
        if (scale != 1.0) {
            rest = p + 1;
        }
    }
    for (const char *q = rest; *q != '\0'; q++) {
        if (!isalpha((unsigned char)*q)) {
            return false;
        }
    }
    v *= scale;
    if (!isfinite(v)) {
        return false;
    }
    *out = v;
    return true;
}

/* Split a logical line in place on whitespace, commas, '=' and parentheses, after cutting
 * the inline comments SPICE knows (';' anywhere, '$' at the start of a word). */
static int split(char *line, char **tok, int max)
{
    for (char *p = line; *p != '\0'; p++) {
        if (*p == ';' || (*p == '$' && (p == line || isspace((unsigned char)p[-1])))) {
            *p = '\0';
            break;
        }
    }
    int count = 0;
    char *p = line;
    for (;;) {
        while (*p != '\0' && (isspace((unsigned char)*p) || *p == ',' || *p == '(' || *p == ')' ||
                               *p == '=')) {
            *p++ = '\0';
        }
        if (*p == '\0') {
            return count;
        }
        if (count == max) {
            return max + 1;
        }
        tok[count++] = p;
        while (*p != '\0' && !isspace((unsigned char)*p) && *p != ',' && *p != '(' && *p != ')' &&
               *p != '=') {
            p++;
        }
    }
}

static void lower(char *s)
{
    for (; *s != '\0'; s++) {
        *s = (char)tolower((unsigned char)*s);
    }
}

static bool is_ground_name(const char *s)
{
    return strcmp(s, "0") == 0 || strcmp(s, "gnd") == 0;
}

void pln_spice_sources_free(pln_spice_sources *s)
{
    if (s == NULL) {
        return;
    }
    pln_i_free(s->v);
    pln_i_free(s->i);
    pln_i_free(s->dirichlet_nodes);
    pln_i_free(s->dirichlet_values);
    pln_i_free(s->current_nodes);
    pln_i_free(s->current_values);
    pln_i_free(s->source_edges);
    pln_i_free(s->source_values);
    memset(s, 0, sizeof *s);
    s->ground = -1;
}

/* One edge as written: a resistor, a diode or a transistor. */
typedef struct sedge {
    pln_idx t, h;     /* R: n1 n2; D: anode cathode; M: drain source */
    char kind;        /* 'r', 'd', 'm' */
    double value;     /* R: ohm; D: area factor; M: W / L */
    pln_idx gate;     /* M: the gate node, else -1 */
    char *model;      /* D, M: the model name (lower case), else NULL */
    long line;
} sedge;

/* A .model card: the parameters plnet reads (NaN when not given). */
typedef struct smodel {
    char *name;
    char type; /* 'd' diode, 'n' NMOS */
    long line;
    double is, n, rs;         /* diode */
    double kp, vto, lambda;   /* NMOS */
    double bulk_is;           /* NMOS: IS and JS of the bulk junctions (must be 0) */
} smodel;

/* The state of one read, so the helpers can fail through one place. */
typedef struct reader {
    pln_ctx *ctx;
    const char *path;
    names nm;
    sedge *ed;
    pln_idx m;
    pln_idx cap;
    smodel *mod;
    pln_idx n_mod, cap_mod;
    elems v;
    elems i;
    double temp, tnom; /* .options TEMP / TNOM, .temp (C); NaN when not given */
} reader;

static pln_status oom(reader *r)
{
    PLN_FAIL(r->ctx, PLN_ENOMEM, "out of memory reading %s", r->path);
}

static pln_status push_edge(reader *r, sedge e)
{
    if (r->m == r->cap) {
        pln_idx c = r->cap > 0 ? r->cap * 2 : 64;
        sedge *q = pln_i_realloc(r->ed, (size_t)c * sizeof *q);
        if (q == NULL) {
            pln_i_free(e.model);
            return oom(r);
        }
        r->ed = q;
        r->cap = c;
    }
    r->ed[r->m++] = e;
    return PLN_OK;
}

/* Node id of a name (ground spelt "0" or "gnd" is "0"), interned; -1 when out of memory. */
static pln_idx node_id(reader *r, char *name)
{
    lower(name);
    return names_get(&r->nm, is_ground_name(name) ? "0" : name);
}

static bool is_kw(const char *tok, const char *kw)
{
    size_t n = strlen(kw);
    if (strlen(tok) != n) {
        return false;
    }
    for (size_t k = 0; k < n; k++) {
        if (tolower((unsigned char)tok[k]) != kw[k]) {
            return false;
        }
    }
    return true;
}

/* `Dname n+ n- model [area] [OFF]` and `Mname nd ng ns nb model [W=w] [L=l] [AD=.. AS=.. PD=..
 * PS=.. NRD=.. NRS=..] [OFF]`: the geometry and OFF do not change the operating point except
 * W / L (the transistor's K' W / L) and the diode's area (I_s area, R_s / area). NRD and NRS
 * only matter with a sheet resistance, which plnet's transistor does not have (RSH is refused
 * on the model). */
static pln_status device(reader *r, char **tok, int nt, long line, char kind)
{
    const int nn = kind == 'd' ? 2 : 4;
    if (nt < nn + 2) {
        PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: too few fields for '%s': expected %s", r->path,
                 line, tok[0],
                 kind == 'd' ? "Dname n+ n- model [area]" : "Mname nd ng ns nb model [W=] [L=]");
    }
    pln_idx id[4];
    for (int q = 0; q < nn; q++) {
        id[q] = node_id(r, tok[1 + q]);
        if (id[q] < 0) {
            return oom(r);
        }
    }
    sedge e = {id[0], kind == 'd' ? id[1] : id[2], kind, 1.0, kind == 'm' ? id[1] : -1, NULL,
               line};
    if (e.t == e.h) {
        PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: '%s' joins node '%s' to itself", r->path, line,
                 tok[0], r->nm.name[e.t]);
    }
    if (kind == 'm' && id[3] != id[2]) {
        PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: '%s': the bulk '%s' must be the source '%s' (plnet's "
                 "transistor has its bulk tied to its source, so no body effect and no bulk "
                 "junction conducts)", r->path, line, tok[0], r->nm.name[id[3]],
                 r->nm.name[id[2]]);
    }
    if (kind == 'm' && (id[1] == id[0] || id[1] == id[2])) {
        PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: '%s': the gate is tied to the %s: plnet's "
                 "transistor holds its gate at a fixed voltage above its source (a source "
                 "from the gate to the source node)", r->path, line, tok[0],
                 id[1] == id[0] ? "drain" : "source");
    }
    char *model = pln_i_strdup(tok[1 + nn]);
    if (model == NULL) {
        return oom(r);
    }
    lower(model);
    e.model = model;
    double w = NAN, l = NAN;
    for (int q = 2 + nn; q < nt; q++) {
        double v = 0.0;
        if (is_kw(tok[q], "off")) {
            continue;
        }
        if (kind == 'd' && q == 2 + nn && parse_value(tok[q], &v)) {
            if (!(v > 0.0)) {
                pln_i_free(model);
                PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: '%s': area %g must be > 0", r->path, line,
                         tok[0], v);
            }
            e.value = v;
            continue;
        }
        static const char *const geo[] = {"w", "l", "ad", "as", "pd", "ps", "nrd", "nrs"};
        bool known = false;
        for (size_t g = 0; kind == 'm' && g < sizeof geo / sizeof geo[0]; g++) {
            known = known || is_kw(tok[q], geo[g]);
        }
        if (!known || q + 1 >= nt || !parse_value(tok[q + 1], &v)) {
            pln_i_free(model);
            PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: '%s': unsupported field '%s' (plnet reads %s)",
                     r->path, line, tok[0], tok[q],
                     kind == 'd' ? "an area factor and OFF" : "W=, L= and the geometry");
        }
        if (is_kw(tok[q], "w")) {
            w = v;
        } else if (is_kw(tok[q], "l")) {
            l = v;
        }
        q++;
    }
    if (kind == 'm') {
        /* ngspice's default width and length are both 100 um */
        w = isnan(w) ? 100e-6 : w;
        l = isnan(l) ? 100e-6 : l;
        if (!(w > 0.0 && l > 0.0)) {
            pln_i_free(model);
            PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: '%s': W = %g and L = %g must be > 0", r->path,
                     line, tok[0], w, l);
        }
        e.value = w / l;
    }
    return push_edge(r, e);
}

/* `.model name D(...)` / `.model name NMOS(...)`: the parameters plnet models are read; those
 * that only shape capacitance, noise or temperature dependence (which the operating point at
 * TEMP = TNOM does not see) are accepted; any other is an error naming it. */
static pln_status model_card(reader *r, char **tok, int nt, long line)
{
    if (nt < 3) {
        PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: .model needs a name and a type", r->path, line);
    }
    smodel md;
    memset(&md, 0, sizeof md);
    md.line = line;
    md.is = md.n = md.rs = md.kp = md.vto = md.lambda = md.bulk_is = NAN;
    if (is_kw(tok[2], "d")) {
        md.type = 'd';
    } else if (is_kw(tok[2], "nmos")) {
        md.type = 'n';
    } else {
        PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: .model %s: type '%s' is not supported (plnet "
                 "reads D and NMOS models)", r->path, line, tok[1], tok[2]);
    }
    static const char *const d_ignored[] = {"cjo", "cj0", "cj",  "vj",   "pb",   "m",  "mj",
                                            "fc",  "tt",  "kf",  "af",   "eg",   "xti", "tnom",
                                            "cjp", "cjsw", "php", "mjsw", "area", "pj"};
    static const char *const n_ignored[] = {"cbd", "cbs", "cj",  "mj",  "cjsw", "mjsw", "pb",
                                            "fc",  "cgso", "cgdo", "cgbo", "kf", "af",  "tnom",
                                            "tox", "phi"};
    double level = 1.0;
    for (int q = 3; q < nt; q += 2) {
        double v = 0.0;
        if (q + 1 >= nt || !parse_value(tok[q + 1], &v)) {
            PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: .model %s: parameter '%s' needs a value",
                     r->path, line, tok[1], tok[q]);
        }
        lower(tok[q]);
        const char *k = tok[q];
        double *slot = NULL;
        if (md.type == 'd') {
            slot = strcmp(k, "is") == 0 ? &md.is
                   : strcmp(k, "n") == 0 ? &md.n
                   : strcmp(k, "rs") == 0 ? &md.rs
                                          : NULL;
        } else {
            slot = strcmp(k, "kp") == 0                              ? &md.kp
                   : (strcmp(k, "vto") == 0 || strcmp(k, "vt0") == 0) ? &md.vto
                   : strcmp(k, "lambda") == 0                         ? &md.lambda
                   : (strcmp(k, "is") == 0 || strcmp(k, "js") == 0)   ? &md.bulk_is
                   : strcmp(k, "level") == 0                          ? &level
                                                                      : NULL;
            if (strcmp(k, "gamma") == 0) {
                if (v != 0.0) {
                    PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: .model %s: GAMMA = %g: plnet's "
                             "transistor has no body effect (its bulk is its source); give "
                             "GAMMA=0", r->path, line, tok[1], v);
                }
                continue;
            }
        }
        if (slot != NULL) {
            *slot = v;
            continue;
        }
        const char *const *ign = md.type == 'd' ? d_ignored : n_ignored;
        const size_t n_ign = md.type == 'd' ? sizeof d_ignored / sizeof d_ignored[0]
                                            : sizeof n_ignored / sizeof n_ignored[0];
        bool ignored = false;
        for (size_t g = 0; g < n_ign; g++) {
            ignored = ignored || strcmp(k, ign[g]) == 0;
        }
        if (!ignored) {
            PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: .model %s: parameter '%s' changes the "
                     "operating point in a way plnet does not model (it reads %s)", r->path, line,
                     tok[1], tok[q],
                     md.type == 'd' ? "IS, N and RS" : "LEVEL=1, KP, VTO, LAMBDA, GAMMA=0 and IS=0");
        }
    }
    if (md.type == 'n' && level != 1.0) {
        PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: .model %s: LEVEL=%g: plnet's transistor is SPICE "
                 "level 1", r->path, line, tok[1], level);
    }
    if (md.type == 'n' && !(md.bulk_is == 0.0)) {
        PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: .model %s: give IS=0: plnet's transistor has no "
                 "bulk junction diodes, and SPICE's default IS = 1e-14 A puts one from the bulk "
                 "(the source) to the drain that conducts when the transistor runs in reverse",
                 r->path, line, tok[1]);
    }
    lower(tok[1]);
    for (pln_idx k = 0; k < r->n_mod; k++) {
        if (strcmp(r->mod[k].name, tok[1]) == 0) {
            PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: .model %s is defined twice (first on line %ld)",
                     r->path, line, tok[1], r->mod[k].line);
        }
    }
    if (r->n_mod == r->cap_mod) {
        pln_idx c = r->cap_mod > 0 ? 2 * r->cap_mod : 8;
        smodel *q = pln_i_realloc(r->mod, (size_t)c * sizeof *q);
        if (q == NULL) {
            return oom(r);
        }
        r->mod = q;
        r->cap_mod = c;
    }
    md.name = pln_i_strdup(tok[1]);
    if (md.name == NULL) {
        return oom(r);
    }
    r->mod[r->n_mod++] = md;
    return PLN_OK;
}

/* `.options ... TEMP=t TNOM=t ...` and `.temp t`: the device temperature (C). */
static pln_status options_card(reader *r, char **tok, int nt, long line)
{
    if (is_kw(tok[0], ".temp")) {
        double v = 0.0;
        if (nt < 2 || !parse_value(tok[1], &v)) {
            PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: .temp needs a temperature (C)", r->path, line);
        }
        r->temp = v;
        return PLN_OK;
    }
    for (int q = 1; q + 1 < nt; q++) {
        double v = 0.0;
        if ((is_kw(tok[q], "temp") || is_kw(tok[q], "tnom")) && parse_value(tok[q + 1], &v)) {
            *(is_kw(tok[q], "temp") ? &r->temp : &r->tnom) = v;
        }
    }
    return PLN_OK;
}

/* One element line (tokens already split, first line number `line`). */
static pln_status element(reader *r, char **tok, int nt, long line)
{
    if (tok[0][0] == '.') {
        return is_kw(tok[0], ".model") ? model_card(r, tok, nt, line)
                                       : options_card(r, tok, nt, line);
    }
    char kind = (char)tolower((unsigned char)tok[0][0]);
    if (kind == 'd' || kind == 'm') {
        return device(r, tok, nt, line, kind);
    }
    if (kind != 'r' && kind != 'v' && kind != 'i') {
        PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: unknown element '%s' (plnet reads resistors R, "
                 "diodes D, transistors M, voltage sources V and current sources I)", r->path,
                 line, tok[0]);
    }
    if (nt < 4) {
        PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: too few fields for '%s': expected %s", r->path,
                 line, tok[0],
                 kind == 'r' ? "Rname n1 n2 value" : kind == 'v' ? "Vname n+ n- [DC] value"
                                                                 : "Iname n+ n- [DC] value");
    }
    lower(tok[1]);
    lower(tok[2]);
    const char *a_name = is_ground_name(tok[1]) ? "0" : tok[1];
    const char *b_name = is_ground_name(tok[2]) ? "0" : tok[2];
    if (strcmp(a_name, b_name) == 0) {
        PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: '%s' joins node '%s' to itself", r->path, line,
                 tok[0], a_name);
    }
    int vi = 3;
    if (kind != 'r') {
        char kw[8] = {0};
        strncpy(kw, tok[3], sizeof kw - 1);
        lower(kw);
        if (strcmp(kw, "dc") == 0) {
            vi = 4;
            if (nt < 5) {
                PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: too few fields for '%s': DC needs a value",
                         r->path, line, tok[0]);
            }
        }
    }
    double value = 0.0;
    if (!parse_value(tok[vi], &value)) {
        PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: '%s': bad value '%s' (a number with an optional "
                 "suffix T G MEG K M U N P F MIL)", r->path, line, tok[0], tok[vi]);
    }
    if (nt > vi + 1) {
        /* AC small-signal specifications do not change the operating point; anything else
         * (transient waveforms, resistor parameters) is beyond the subset. */
        char kw[8] = {0};
        strncpy(kw, tok[vi + 1], sizeof kw - 1);
        lower(kw);
        if (kind == 'r' || strcmp(kw, "ac") != 0) {
            PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: '%s': unsupported field '%s' after the value",
                     r->path, line, tok[0], tok[vi + 1]);
        }
    }
    pln_idx a = names_get(&r->nm, a_name);
    pln_idx b = a < 0 ? -1 : names_get(&r->nm, b_name);
    if (a < 0 || b < 0) {
        return oom(r);
    }
    if (kind == 'r') {
        if (!(value > 0.0)) {
            PLN_FAIL(r->ctx, PLN_EPARSE, "%s:%ld: resistor '%s' has resistance %g; plnet needs "
                     "R > 0", r->path, line, tok[0], value);
        }
        return push_edge(r, (sedge){a, b, 'r', value, -1, NULL, line});
    }
    pln_spice_source s = {a, b, value, line, -1};
    if (!elems_push(kind == 'v' ? &r->v : &r->i, s)) {
        return oom(r);
    }
    return PLN_OK;
}

/* Read the file into logical lines: the title (first line) dropped, '*' comment lines
 * dropped, '+' continuations joined to the line they continue; calls element() for each
 * element line and stops at .end. */
static pln_status parse(reader *r, const char *buf, size_t size)
{
    pln_status st = PLN_OK;
    text logical = {NULL, 0, 0};
    long logical_line = 0;
    long lineno = 0;
    bool in_control = false;
    bool ended = false;
    size_t pos = 0;
    while (pos < size && !ended) {
        size_t eol = pos;
        while (eol < size && buf[eol] != '\n') {
            eol++;
        }
        const char *ln = buf + pos;
        size_t len = eol - pos;
        pos = eol + 1;
        lineno++;
        if (memchr(ln, '\0', len) != NULL) {
            st = PLN_ERR(r->ctx, PLN_EPARSE, "%s:%ld: NUL byte in the netlist", r->path, lineno);
            goto done;
        }
        if (lineno == 1) {
            continue; /* the title line, whatever it holds */
        }
        size_t k = 0;
        while (k < len && (ln[k] == ' ' || ln[k] == '\t' || ln[k] == '\r')) {
            k++;
        }
        if (k == len || ln[k] == '*') {
            continue; /* blank or comment lines do not break a continuation */
        }
        if (ln[k] == '+') {
            if (logical_line == 0) {
                st = PLN_ERR(r->ctx, PLN_EPARSE, "%s:%ld: continuation line '+' with nothing "
                             "to continue", r->path, lineno);
                goto done;
            }
            if (!text_put(&logical, " ", 1) || !text_put(&logical, ln + k + 1, len - k - 1)) {
                st = oom(r);
                goto done;
            }
            continue;
        }
        /* A new logical line: process the previous one first. */
        if (logical_line > 0) {
            char *tok[MAX_TOKENS];
            int nt = split(logical.s, tok, MAX_TOKENS);
            if (nt > MAX_TOKENS) {
                st = PLN_ERR(r->ctx, PLN_EPARSE, "%s:%ld: more than %d fields", r->path,
                             logical_line, MAX_TOKENS);
                goto done;
            }
            if (nt > 0) {
                PLN_TRY_GOTO(st, element(r, tok, nt, logical_line));
            }
            logical_line = 0;
        }
        logical.len = 0;
        if (ln[k] == '.') {
            char card[16] = {0};
            size_t c = 0;
            while (k + c < len && c < sizeof card - 1 && !isspace((unsigned char)ln[k + c])) {
                card[c] = (char)tolower((unsigned char)ln[k + c]);
                c++;
            }
            if (strcmp(card, ".control") == 0) {
                in_control = true;
            } else if (strcmp(card, ".endc") == 0) {
                in_control = false;
            } else if (strcmp(card, ".end") == 0 && !in_control) {
                ended = true;
            } else if (!in_control && (strcmp(card, ".subckt") == 0 ||
                                       strcmp(card, ".include") == 0 ||
                                       strcmp(card, ".inc") == 0 || strcmp(card, ".lib") == 0)) {
                st = PLN_ERR(r->ctx, PLN_EPARSE, "%s:%ld: %s is not supported (plnet reads flat "
                             "netlists of R, D, M, V and I)", r->path, lineno, card);
                goto done;
            }
            const bool read_card = strcmp(card, ".model") == 0 || strcmp(card, ".options") == 0 ||
                                   strcmp(card, ".option") == 0 || strcmp(card, ".opt") == 0 ||
                                   strcmp(card, ".temp") == 0;
            if (!read_card || in_control) {
                continue; /* .op, .print ... do not change the circuit */
            }
        }
        if (in_control) {
            continue;
        }
        if (!text_put(&logical, ln + k, len - k)) {
            st = oom(r);
            goto done;
        }
        logical_line = lineno;
    }
    if (logical_line > 0) {
        char *tok[MAX_TOKENS];
        int nt = split(logical.s, tok, MAX_TOKENS);
        if (nt > MAX_TOKENS) {
            st = PLN_ERR(r->ctx, PLN_EPARSE, "%s:%ld: more than %d fields", r->path,
                         logical_line, MAX_TOKENS);
            goto done;
        }
        if (nt > 0) {
            PLN_TRY_GOTO(st, element(r, tok, nt, logical_line));
        }
    }
done:
    pln_i_free(logical.s);
    return st;
}

/* The boundary (SPEC 1.1) equivalent to the sources: ground and V-to-ground sources fix
 * potentials, a V source across a resistor fixes that edge's drop, I sources inject. */
static pln_status boundary(reader *r, const pln_graph *g, pln_spice_sources *src)
{
    pln_idx n = g->n; /* the nodes kept (a transistor's gate node is not one) */
    pln_idx ground = src->ground;
    pln_idx n_fix_max = r->v.n + 1;
    PLN_ALLOC(r->ctx, src->dirichlet_nodes, n_fix_max);
    PLN_ALLOC(r->ctx, src->dirichlet_values, n_fix_max);
    PLN_ALLOC(r->ctx, src->source_edges, r->v.n);
    PLN_ALLOC(r->ctx, src->source_values, r->v.n);
    PLN_ALLOC(r->ctx, src->current_nodes, 2 * r->i.n);
    PLN_ALLOC(r->ctx, src->current_values, 2 * r->i.n);
    long *fixed_by = NULL; /* line that fixed a node, 0 = free, -1 = ground */
    long *edge_by = NULL;
    pln_idx *cur_slot = NULL; /* node -> index in current_nodes, or -1 */
    pln_status st = PLN_OK;
    PLN_ALLOC_GOTO(r->ctx, st, fixed_by, n);
    PLN_ALLOC_GOTO(r->ctx, st, edge_by, g->m);
    PLN_ALLOC_GOTO(r->ctx, st, cur_slot, n);
    for (pln_idx i = 0; i < n; i++) {
        cur_slot[i] = -1;
    }
    if (ground >= 0) {
        src->dirichlet_nodes[src->n_dirichlet] = ground;
        src->dirichlet_values[src->n_dirichlet++] = 0.0;
        fixed_by[ground] = -1;
    }
    for (pln_idx k = 0; k < r->v.n; k++) {
        pln_spice_source *s = &r->v.v[k];
        if (s->pos == ground || s->neg == ground) {
            /* p+ - p- = V with one end at 0 V. */
            pln_idx node = s->pos == ground ? s->neg : s->pos;
            double val = s->pos == ground ? -s->value : s->value;
            if (fixed_by[node] != 0) {
                st = PLN_ERR_NODE(r->ctx, PLN_EPARSE, node, "%s:%ld: node '%s' is already fixed "
                                  "by the source on line %ld (a loop of voltage sources)",
                                  r->path, s->line, r->nm.name[node], fixed_by[node]);
                goto done;
            }
            fixed_by[node] = s->line;
            src->dirichlet_nodes[src->n_dirichlet] = node;
            src->dirichlet_values[src->n_dirichlet++] = val;
            continue;
        }
        /* Between two non-ground nodes: the drop of a resistor that joins them (the first in
         * file order), since plnet's edge sources fix the drop of an existing edge. */
        pln_idx edge = -1;
        double sign = 1.0;
        for (pln_idx e = 0; e < g->m && edge < 0; e++) {
            if (edge_by[e] != 0) {
                continue;
            }
            if (g->tail[e] == s->pos && g->head[e] == s->neg) {
                edge = e;
            } else if (g->tail[e] == s->neg && g->head[e] == s->pos) {
                edge = e;
                sign = -1.0;
            }
        }
        if (edge < 0) {
            st = PLN_ERR(r->ctx, PLN_EINVAL, "%s:%ld: voltage source between '%s' and '%s': "
                         "plnet needs a voltage source to go to ground (node 0) or across a "
                         "resistor of its own (an edge source fixes the drop of an edge)",
                         r->path, s->line, r->nm.name[s->pos], r->nm.name[s->neg]);
            goto done;
        }
        edge_by[edge] = s->line;
        s->edge = edge;
        src->source_edges[src->n_sources] = edge;
        src->source_values[src->n_sources++] = sign * s->value;
    }
    for (pln_idx k = 0; k < r->i.n; k++) {
        /* SPICE: I n+ n- v drives v amperes from n+ through the source to n-, so it takes v
         * out of node n+ and puts v into node n-; ground absorbs its share. */
        const pln_spice_source *s = &r->i.v[k];
        pln_idx ends[2] = {s->neg, s->pos};
        double vals[2] = {s->value, -s->value};
        for (int j = 0; j < 2; j++) {
            pln_idx node = ends[j];
            if (node == ground) {
                continue;
            }
            if (cur_slot[node] < 0) {
                cur_slot[node] = src->n_currents;
                src->current_nodes[src->n_currents] = node;
                src->current_values[src->n_currents++] = 0.0;
            }
            src->current_values[cur_slot[node]] += vals[j];
        }
    }
done:
    pln_i_free(fixed_by);
    pln_i_free(edge_by);
    pln_i_free(cur_slot);
    return st;
}

/* After the whole netlist is read: each device's model, each transistor's gate source (it
 * becomes the edge's gate voltage, and the gate node and its source leave the circuit), and
 * the nodes renumbered without the gate nodes. Fills the per-edge attribute columns. */
typedef struct resolved {
    pln_idx n;        /* nodes kept */
    pln_idx *map;     /* old node id -> new id, or -1 for a gate node */
    pln_idx *tail, *head;
    double *col[10];  /* element, resistance, conductance, diode_is, diode_n, diode_rs, kp,
                         vto, lambda, gate */
    bool any_d, any_m;
} resolved;
static const char *const col_names[10] = {"element", "resistance", "conductance", "diode_is",
                                          "diode_n", "diode_rs",   "kp",          "vto",
                                          "lambda",  "gate"};

static void resolved_free(resolved *rs)
{
    pln_i_free(rs->map);
    pln_i_free(rs->tail);
    pln_i_free(rs->head);
    for (int c = 0; c < 10; c++) {
        pln_i_free(rs->col[c]);
    }
}

static const smodel *find_model(const reader *r, const char *name)
{
    for (pln_idx k = 0; k < r->n_mod; k++) {
        if (strcmp(r->mod[k].name, name) == 0) {
            return &r->mod[k];
        }
    }
    return NULL;
}

static double or_default(double v, double d) { return isnan(v) ? d : v; }

static pln_status resolve(reader *r, resolved *rs)
{
    pln_ctx *ctx = r->ctx;
    const pln_idx n = r->nm.n, m = r->m;
    pln_status st = PLN_OK;
    bool *gate_node = NULL, *used = NULL, *v_gate = NULL;
    PLN_ALLOC(ctx, rs->map, n);
    PLN_ALLOC(ctx, rs->tail, m);
    PLN_ALLOC(ctx, rs->head, m);
    for (int c = 0; c < 10; c++) {
        PLN_ALLOC(ctx, rs->col[c], m);
    }
    PLN_ALLOC_GOTO(ctx, st, gate_node, n);
    PLN_ALLOC_GOTO(ctx, st, used, n);
    PLN_ALLOC_GOTO(ctx, st, v_gate, r->v.n);
    for (pln_idx e = 0; e < m; e++) {
        const sedge *ed = &r->ed[e];
        rs->any_d = rs->any_d || ed->kind == 'd';
        rs->any_m = rs->any_m || ed->kind == 'm';
        used[ed->t] = used[ed->h] = true;
        if (ed->kind == 'm') {
            gate_node[ed->gate] = true;
        }
    }
    if ((rs->any_d || rs->any_m) && ((!isnan(r->temp) && r->temp != 27.0) ||
                                     (!isnan(r->tnom) && r->tnom != 27.0))) {
        /* The temperature is the network's (pln_element_options.temperature, an experiment's
         * network.elements.temperature), not the graph's: refused here rather than dropped. */
        st = PLN_ERR(ctx, PLN_EPARSE, "%s: TEMP/TNOM other than 27 C: plnet reads a netlist's "
                     "devices at SPICE's default 27 C (TEMP = TNOM); set the device "
                     "temperature with network.elements.temperature (K) in the experiment "
                     "file instead (pln_element_options.temperature in the library)", r->path);
        goto done;
    }
    for (pln_idx i = 0; i < n; i++) {
        if (gate_node[i] && used[i]) {
            st = PLN_ERR_NODE(ctx, PLN_EPARSE, i, "%s: node '%s' is a transistor's gate and "
                              "also joined to an element: plnet's transistor holds its gate by a "
                              "source from the gate to its source node, and nothing else",
                              r->path, r->nm.name[i]);
            goto done;
        }
    }
    for (pln_idx k = 0; k < r->i.n; k++) {
        const pln_spice_source *s = &r->i.v[k];
        if (gate_node[s->pos] || gate_node[s->neg]) {
            st = PLN_ERR(ctx, PLN_EPARSE, "%s:%ld: a current source at a transistor's gate "
                         "(plnet's gates draw no current and are held by a voltage source)",
                         r->path, s->line);
            goto done;
        }
    }
    for (pln_idx e = 0; e < m; e++) {
        const sedge *ed = &r->ed[e];
        for (int q = 0; q < 10; q++) {
            rs->col[q][e] = NAN;
        }
        rs->col[0][e] = ed->kind == 'r' ? 0.0 : ed->kind == 'd' ? 1.0 : 3.0;
        if (ed->kind == 'r') {
            rs->col[1][e] = ed->value;
            rs->col[2][e] = 1.0 / ed->value;
            continue;
        }
        const smodel *md = find_model(r, ed->model);
        const char want = ed->kind == 'd' ? 'd' : 'n';
        if (md == NULL || md->type != want) {
            st = PLN_ERR(ctx, PLN_EPARSE, "%s:%ld: %s model '%s' %s", r->path, ed->line,
                         ed->kind == 'd' ? "diode" : "transistor", ed->model,
                         md == NULL ? "is not defined (.model)" : "is of another type");
            goto done;
        }
        if (ed->kind == 'd') {
            /* the area scales the saturation current and divides the series resistance */
            rs->col[3][e] = or_default(md->is, 1e-14) * ed->value;
            rs->col[4][e] = or_default(md->n, 1.0);
            rs->col[5][e] = or_default(md->rs, 0.0) / ed->value;
            continue;
        }
        rs->col[6][e] = or_default(md->kp, 2e-5) * ed->value; /* K' W / L */
        rs->col[7][e] = or_default(md->vto, 0.0);
        rs->col[8][e] = or_default(md->lambda, 0.0);
        /* the gate: exactly one voltage source at the gate node, to this transistor's source */
        const pln_idx gt = ed->gate, src_node = ed->h;
        pln_idx found = -1;
        for (pln_idx k = 0; k < r->v.n; k++) {
            const pln_spice_source *s = &r->v.v[k];
            if (s->pos != gt && s->neg != gt) {
                continue;
            }
            const pln_idx other = s->pos == gt ? s->neg : s->pos;
            if (found >= 0 || other != src_node) {
                st = PLN_ERR(ctx, PLN_EPARSE, "%s:%ld: the gate '%s' of the transistor on line "
                             "%ld must be held by one voltage source to its source '%s' (plnet's "
                             "transistor holds V_GS; a gate held against %s makes a three-"
                             "terminal element, which plnet does not model)", r->path, s->line,
                             r->nm.name[gt], ed->line, r->nm.name[src_node],
                             found >= 0 ? "two sources" : "another node");
                goto done;
            }
            found = k;
        }
        if (found < 0) {
            st = PLN_ERR(ctx, PLN_EPARSE, "%s:%ld: the gate '%s' is held by no voltage source "
                         "(plnet's transistor needs V_GS: a source from the gate to the "
                         "source '%s')", r->path, ed->line, r->nm.name[gt],
                         r->nm.name[src_node]);
            goto done;
        }
        v_gate[found] = true;
        const pln_spice_source *s = &r->v.v[found];
        rs->col[9][e] = s->pos == gt ? s->value : -s->value;
    }
    /* a voltage source between two gate nodes, or between a gate and a node no transistor of
     * that gate has as source, was refused above; renumber without the gate nodes */
    rs->n = 0;
    for (pln_idx i = 0; i < n; i++) {
        rs->map[i] = gate_node[i] ? -1 : rs->n++;
    }
    for (pln_idx e = 0; e < m; e++) {
        rs->tail[e] = rs->map[r->ed[e].t];
        rs->head[e] = rs->map[r->ed[e].h];
    }
    pln_idx kept = 0;
    for (pln_idx k = 0; k < r->v.n; k++) {
        if (v_gate[k]) {
            continue;
        }
        pln_spice_source s = r->v.v[k];
        s.pos = rs->map[s.pos];
        s.neg = rs->map[s.neg];
        r->v.v[kept++] = s;
    }
    r->v.n = kept;
    for (pln_idx k = 0; k < r->i.n; k++) {
        r->i.v[k].pos = rs->map[r->i.v[k].pos];
        r->i.v[k].neg = rs->map[r->i.v[k].neg];
    }
    {
        pln_idx w = 0;
        for (pln_idx i = 0; i < n; i++) {
            if (rs->map[i] >= 0) {
                char *t = r->nm.name[w];
                r->nm.name[w] = r->nm.name[i];
                r->nm.name[i] = t;
                w++;
            }
        }
        /* the dropped names sit beyond w: they are freed with the table, which keeps its
         * count n */
    }
done:
    pln_i_free(gate_node);
    pln_i_free(used);
    pln_i_free(v_gate);
    return st;
}

pln_status pln_graph_read_spice(pln_ctx *ctx, const char *path, pln_graph **out,
                                pln_spice_sources *sources)
{
    pln_status st = PLN_OK;
    reader r;
    memset(&r, 0, sizeof r);
    r.ctx = ctx;
    r.path = path;
    r.temp = r.tnom = NAN;
    FILE *fp = NULL;
    char *buf = NULL;
    size_t size = 0;
    pln_graph *g = NULL;
    resolved rs;
    memset(&rs, 0, sizeof rs);
    pln_spice_sources src;
    memset(&src, 0, sizeof src);
    src.ground = -1;
    if (sources != NULL) {
        memset(sources, 0, sizeof *sources);
        sources->ground = -1;
    }

    fp = fopen(path, "rb");
    if (fp == NULL) {
        int e = errno;
        PLN_FAIL(ctx, PLN_EIO, "cannot open netlist %s: %s", path, strerror(e));
    }
    {
        text t = {NULL, 0, 0};
        char chunk[65536];
        size_t got;
        while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0) {
            if (!text_put(&t, chunk, got)) {
                pln_i_free(t.s);
                st = oom(&r);
                goto done;
            }
        }
        buf = t.s;
        size = t.len;
        if (ferror(fp)) {
            st = PLN_ERR(ctx, PLN_EIO, "error reading %s", path);
            goto done;
        }
    }
    PLN_TRY_GOTO(st, parse(&r, buf != NULL ? buf : "", size));
    if (r.m == 0) {
        st = PLN_ERR(ctx, PLN_EPARSE, "%s: no resistors, diodes or transistors in the netlist "
                     "(plnet's edges are its two-terminal elements)", path);
        goto done;
    }
    PLN_TRY_GOTO(st, resolve(&r, &rs));
    /* Adopt frees the arrays even when it fails. */
    st = pln_i_graph_adopt(ctx, rs.n, r.m, rs.tail, rs.head, &g);
    rs.tail = NULL;
    rs.head = NULL;
    if (st != PLN_OK) {
        goto done;
    }
    for (int c = 0; c < 10; c++) {
        const bool diode_col = c >= 3 && c <= 5, mos_col = c >= 6;
        if ((c == 0 && !(rs.any_d || rs.any_m)) || (diode_col && !rs.any_d) ||
            (mos_col && !rs.any_m)) {
            continue; /* a netlist of resistors reads as before: no element columns */
        }
        PLN_TRY_GOTO(st, pln_graph_edge_attr_set(g, col_names[c], rs.col[c]));
    }
    PLN_TRY_GOTO(st, pln_graph_node_label_set(g, "name", (const char *const *)r.nm.name));
    for (pln_idx id = 0; id < rs.n; id++) {
        if (strcmp(r.nm.name[id], "0") == 0) {
            src.ground = id;
        }
    }
    PLN_TRY_GOTO(st, boundary(&r, g, &src));
    src.n_v = r.v.n;
    src.v = r.v.v;
    r.v.v = NULL;
    src.n_i = r.i.n;
    src.i = r.i.v;
    r.i.v = NULL;
    if (sources != NULL) {
        *sources = src;
        memset(&src, 0, sizeof src);
    }
    *out = g;
    g = NULL;
done:
    if (fp != NULL) {
        fclose(fp);
    }
    pln_i_free(buf);
    names_free(&r.nm);
    for (pln_idx e = 0; e < r.m; e++) {
        pln_i_free(r.ed[e].model);
    }
    pln_i_free(r.ed);
    for (pln_idx k = 0; k < r.n_mod; k++) {
        pln_i_free(r.mod[k].name);
    }
    pln_i_free(r.mod);
    resolved_free(&rs);
    pln_i_free(r.v.v);
    pln_i_free(r.i.v);
    pln_spice_sources_free(&src);
    pln_graph_destroy(g);
    return st;
}
