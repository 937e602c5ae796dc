/* _plnet.c — the CPython extension under the plnet package: an experiment read by the CLI's configuration reader and run by the library (GIL released while it computes, Ctrl-C between steps), one-off solves of a network given as arrays, and library errors as plnet.Error. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

#include "config.h"
#include "experiment_setup.h"
#include "plnet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* plnet.Error, created at import. */
static PyObject *plnet_error;

/* How often a running train() takes the GIL back to let Python see a signal (Ctrl-C):
 * at the first step and then at most every 50 ms, so a train() in one thread costs another
 * Python thread at most one GIL hand-over per 50 ms, and Ctrl-C stops the run within 50 ms
 * plus the step under way. */
#define SIGNAL_CHECK_SECONDS 0.05

/* ================================================================== errors */

static const char *status_name(pln_status st)
{
    switch (st) {
#define PLN_STATUS_NAME_(name, value, text)                                                  \
    case name:                                                                               \
        return #name + 4;
        PLN_STATUS_LIST(PLN_STATUS_NAME_)
#undef PLN_STATUS_NAME_
    }
    return "UNKNOWN";
}

/* Raise plnet.Error(text) with its attributes (None for NULL / negative). */
static void raise_plnet_error(pln_status st, const char *text, const char *message,
                              const char *key, long long node, long long edge,
                              const char *location)
{
    if (st == PLN_ENOMEM) {
        PyErr_NoMemory();
        return;
    }
    PyObject *exc = PyObject_CallFunction(plnet_error, "s", text);
    if (exc == NULL) {
        return;
    }
    PyObject *v[6] = {
        PyUnicode_FromString(status_name(st)),
        PyUnicode_FromString(message != NULL ? message : text),
        key != NULL && key[0] != '\0' ? PyUnicode_FromString(key) : Py_NewRef(Py_None),
        node >= 0 ? PyLong_FromLongLong(node) : Py_NewRef(Py_None),
        edge >= 0 ? PyLong_FromLongLong(edge) : Py_NewRef(Py_None),
        location != NULL ? PyUnicode_FromString(location) : Py_NewRef(Py_None),
    };
    static const char *const names[6] = {"status", "message", "key", "node", "edge",
                                         "location"};
    int ok = 1;
    for (int k = 0; k < 6; k++) {
        if (v[k] == NULL || PyObject_SetAttrString(exc, names[k], v[k]) != 0) {
            ok = 0;
        }
        Py_XDECREF(v[k]);
    }
    if (ok) {
        PyErr_SetObject(plnet_error, exc);
    }
    Py_DECREF(exc);
}

/* A memory stream for the CLI's reporters (they print "plnet: ...\n"). */
typedef struct memtext {
    char *buf;
    size_t len;
    FILE *f;
} memtext;

static int memtext_open(memtext *m)
{
    m->buf = NULL;
    m->len = 0;
    m->f = open_memstream(&m->buf, &m->len);
    if (m->f == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* Close the stream; the text stays in m->buf (free it). */
static void memtext_close(memtext *m)
{
    if (m->f != NULL) {
        fclose(m->f);
        m->f = NULL;
    }
}

/* The text of a reporter's first line without "plnet: " and the newline (in place). */
static char *strip_report(char *s)
{
    if (s == NULL) {
        return NULL;
    }
    if (strncmp(s, "plnet: ", 7) == 0) {
        s += 7;
    }
    char *nl = strchr(s, '\n');
    if (nl != NULL) {
        *nl = '\0';
    }
    return s;
}

/* The configuration key a reader message starts with ("network.kind: 'flwo' is not ...",
 * "learning.rate must be > 0"): a dotted key of the library's key table (an element "[k]"
 * allowed after it), then ':' or ' '. */
static PyObject *leading_key(const char *msg)
{
    size_t n = strspn(msg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.[]");
    if (n == 0 || n >= 128 || (msg[n] != ':' && msg[n] != ' ') || memchr(msg, '.', n) == NULL) {
        return NULL;
    }
    char key[128];
    memcpy(key, msg, n);
    key[n] = '\0';
    char *bracket = strchr(key, '[');
    if (bracket != NULL) {
        *bracket = '\0';
    }
    return pln_config_find(key) != NULL ? PyUnicode_FromStringAndSize(msg, (Py_ssize_t)n) : NULL;
}

/* A configuration the reader refused: "plnet: LOCATION: message" where LOCATION is the
 * file (with :line:col) or the origin of an override. */
static void raise_config_error(const char *report, const char *path, PyObject *origins)
{
    char *text = strip_report((char *)report);
    if (text == NULL || text[0] == '\0') {
        raise_plnet_error(PLN_EINVAL, "the configuration was refused", NULL, NULL, -1, -1,
                          NULL);
        return;
    }
    /* Where the message starts: after the origin of an override, or after the file and
     * its optional :line:col. */
    const char *msg = NULL;
    size_t loc_len = 0;
    Py_ssize_t n_origins = origins != NULL ? PyList_GET_SIZE(origins) : 0;
    for (Py_ssize_t k = 0; k < n_origins && msg == NULL; k++) {
        const char *o = PyUnicode_AsUTF8(PyList_GET_ITEM(origins, k));
        size_t lo = o != NULL ? strlen(o) : 0;
        if (o != NULL && strncmp(text, o, lo) == 0 && strncmp(text + lo, ": ", 2) == 0) {
            loc_len = lo;
            msg = text + lo + 2;
        }
    }
    size_t lp = strlen(path);
    if (msg == NULL && strncmp(text, path, lp) == 0) {
        const char *c = text + lp;
        /* :line:col */
        if (c[0] == ':' && c[1] >= '0' && c[1] <= '9') {
            const char *d = c + 1;
            while (*d >= '0' && *d <= '9') {
                d++;
            }
            if (d[0] == ':' && d[1] >= '0' && d[1] <= '9') {
                d++;
                while (*d >= '0' && *d <= '9') {
                    d++;
                }
                c = d;
            }
        }
        if (strncmp(c, ": ", 2) == 0) {
            loc_len = (size_t)(c - text);
            msg = c + 2;
        }
    }
    char *loc = NULL;
    if (msg != NULL) {
        loc = PyMem_Malloc(loc_len + 1);
        if (loc == NULL) {
            PyErr_NoMemory();
            return;
        }
        memcpy(loc, text, loc_len);
        loc[loc_len] = '\0';
    }
    const char *message = msg != NULL ? msg : text;
    PyObject *key = leading_key(message);
    const char *key_text = key != NULL ? PyUnicode_AsUTF8(key) : NULL;
    raise_plnet_error(PLN_EINVAL, text, message, key_text, -1, -1, loc);
    Py_XDECREF(key);
    PyMem_Free(loc);
}

/* A library error in ctx: located at its configuration key when cfg locates it (as the CLI
 * reports it), else "[node|edge N: ][what: ]message". */
static void raise_lib_error(const pln_ctx *ctx, const plnet_config *cfg, pln_status st,
                            const char *what)
{
    const pln_error *e = ctx != NULL ? pln_ctx_last_error(ctx) : NULL;
    const bool have = e != NULL && e->code != PLN_OK;
    const char *msg = have && e->message[0] != '\0' ? e->message : pln_strerror(st);
    const char *key = have ? e->key : NULL;
    long long node = have ? (long long)e->node : -1;
    long long edge = have ? (long long)e->edge : -1;
    char *location = NULL;
    memtext m = {0};
    if (cfg != NULL && have && key[0] != '\0' && node < 0 && edge < 0 && st != PLN_ENOMEM &&
        st != PLN_EINTERRUPTED) {
        bool found = false;
        plnet_mark at = plnet_config_mark(cfg, key, &found);
        if (found) {
            if (memtext_open(&m) != 0) {
                return;
            }
            /* "plnet: LOCATION: \n" */
            plnet_report_at(m.f, cfg, at, "%s", "");
            memtext_close(&m);
            location = strip_report(m.buf);
            size_t n = location != NULL ? strlen(location) : 0;
            if (n >= 2 && strcmp(location + n - 2, ": ") == 0) {
                location[n - 2] = '\0';
            }
        }
    }
    char lead[64] = "";
    if (location == NULL && edge >= 0) {
        snprintf(lead, sizeof lead, "edge %lld", edge);
    } else if (location == NULL && node >= 0) {
        snprintf(lead, sizeof lead, "node %lld", node);
    }
    /* Name the node or edge first unless the message already starts by naming it. */
    if (lead[0] != '\0' && strncmp(msg, lead, strlen(lead)) == 0 && msg[strlen(lead)] == ' ') {
        lead[0] = '\0';
    }
    PyObject *text = PyUnicode_FromFormat("%s%s%s%s%s", location != NULL ? location : lead,
                                          location != NULL || lead[0] != '\0' ? ": " : "",
                                          what != NULL ? what : "", what != NULL ? ": " : "",
                                          msg);
    if (text != NULL) {
        raise_plnet_error(st, PyUnicode_AsUTF8(text), msg, key, node, edge, location);
        Py_DECREF(text);
    }
    free(m.buf);
}

/* ================================================================== numpy helpers */

/* A new 1-D float64 array, a copy of v[0..n). */
static PyObject *array_from(const double *v, npy_intp n)
{
    PyObject *a = PyArray_SimpleNew(1, &n, NPY_FLOAT64);
    if (a != NULL && n > 0) {
        memcpy(PyArray_DATA((PyArrayObject *)a), v, (size_t)n * sizeof *v);
    }
    return a;
}

static PyObject *index_array_from(const pln_idx *v, npy_intp n)
{
    PyObject *a = PyArray_SimpleNew(1, &n, NPY_INT64);
    if (a != NULL && n > 0) {
        memcpy(PyArray_DATA((PyArrayObject *)a), v, (size_t)n * sizeof *v);
    }
    return a;
}

/* obj as a C-contiguous float64 array of `ndim` dimensions, refusing what does not convert
 * safely (complex, bool, object, strings, long double). `what` names it in errors. */
static PyArrayObject *real_array(PyObject *obj, int ndim, const char *what)
{
    PyArrayObject *a = (PyArrayObject *)PyArray_FromAny(obj, NULL, 0, 0, 0, NULL);
    if (a == NULL) {
        return NULL;
    }
    PyArray_Descr *dt = PyArray_DESCR(a);
    if (!(dt->kind == 'f' || dt->kind == 'i' || dt->kind == 'u') ||
        !PyArray_CanCastSafely(dt->type_num, NPY_FLOAT64)) {
        PyErr_Format(PyExc_TypeError, "%s must be an array of real numbers (float64), not %S",
                     what, (PyObject *)dt);
        Py_DECREF(a);
        return NULL;
    }
    if (PyArray_NDIM(a) != ndim) {
        PyErr_Format(PyExc_ValueError, "%s must have %d dimension%s, not %d", what, ndim,
                     ndim == 1 ? "" : "s", PyArray_NDIM(a));
        Py_DECREF(a);
        return NULL;
    }
    PyArrayObject *c = (PyArrayObject *)PyArray_FROM_OTF((PyObject *)a, NPY_FLOAT64,
                                                         NPY_ARRAY_IN_ARRAY |
                                                             NPY_ARRAY_ENSURECOPY);
    Py_DECREF(a);
    return c;
}

/* obj as a C-contiguous int64 array of one dimension (integers only). */
static PyArrayObject *index_array(PyObject *obj, const char *what)
{
    PyArrayObject *a = (PyArrayObject *)PyArray_FromAny(obj, NULL, 0, 0, 0, NULL);
    if (a == NULL) {
        return NULL;
    }
    PyArray_Descr *dt = PyArray_DESCR(a);
    if (PyArray_SIZE(a) > 0 && !((dt->kind == 'i' || dt->kind == 'u') &&
                                 PyArray_CanCastSafely(dt->type_num, NPY_INT64))) {
        PyErr_Format(PyExc_TypeError, "%s must be an array of integers, not %S", what,
                     (PyObject *)dt);
        Py_DECREF(a);
        return NULL;
    }
    if (PyArray_NDIM(a) != 1) {
        PyErr_Format(PyExc_ValueError, "%s must have 1 dimension, not %d", what,
                     PyArray_NDIM(a));
        Py_DECREF(a);
        return NULL;
    }
    PyArrayObject *c = (PyArrayObject *)PyArray_FROM_OTF((PyObject *)a, NPY_INT64,
                                                         NPY_ARRAY_IN_ARRAY |
                                                             NPY_ARRAY_FORCECAST);
    Py_DECREF(a);
    return c;
}

static pln_split split_of(const char *s, int *ok)
{
    *ok = 1;
    if (strcmp(s, "train") == 0) {
        return PLN_SPLIT_TRAIN;
    }
    if (strcmp(s, "test") == 0) {
        return PLN_SPLIT_TEST;
    }
    *ok = 0;
    PyErr_Format(PyExc_ValueError, "split must be 'train' or 'test', not '%s'", s);
    return PLN_SPLIT_TRAIN;
}

/* ================================================================== the experiment */

typedef struct experiment_object {
    PyObject_HEAD
    pln_ctx *ctx;
    pln_experiment *x;
    plnet_config cfg;
    bool cfg_loaded;
    /* 0 idle; 1 a call runs without the GIL (nothing else may touch the experiment);
     * 2 a train() waits in its Python callback (reads allowed, changes refused). Read and
     * written with the GIL held. */
    int busy;
    PyObject *weakrefs;
} experiment_object;

static int usable_for(experiment_object *self, bool change, bool learner)
{
    if (self->x == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "the experiment is not initialised");
        return 0;
    }
    if (learner && pln_experiment_stage(self->x) < PLN_BUILD_LEARNER) {
        PyErr_SetString(PyExc_RuntimeError,
                        "the experiment was opened with learn=False (the network only: solve, "
                        "edges, roles, boundary, config); open it with learn=True to learn");
        return 0;
    }
    if (self->busy == 1 || (change && self->busy != 0)) {
        PyErr_SetString(PyExc_RuntimeError,
                        self->busy == 1
                            ? "the experiment is busy in another thread (a train, step or "
                              "solve is running)"
                            : "the experiment cannot be changed, solved or evaluated from "
                              "train()'s callback (read theta and metrics, or return False "
                              "to stop)");
        return 0;
    }
    return 1;
}

/* Most calls need the learner (task, states, metrics). */
static int usable(experiment_object *self, bool change)
{
    return usable_for(self, change, true);
}

static void experiment_dealloc(experiment_object *self)
{
    if (self->weakrefs != NULL) {
        PyObject_ClearWeakRefs((PyObject *)self);
    }
    pln_experiment_destroy(self->x);
    pln_ctx_destroy(self->ctx);
    if (self->cfg_loaded) {
        plnet_config_free(&self->cfg);
    }
    Py_TYPE(self)->tp_free((PyObject *)self);
}

PyDoc_STRVAR(experiment_init_doc,
             "_Experiment(path=None, *, text=None, name=None, base_dir=None, sets=(), "
             "learn=True)\n\n"
             "Low-level constructor (use plnet.Experiment): read the configuration from the "
             "YAML file `path`, or from YAML `text` (`name` stands for the file in messages, "
             "relative paths resolve against `base_dir`), apply `sets`, a sequence of "
             "(key, yaml_value, origin) strings, and build the experiment (with learn=False the "
             "network only).");

static int experiment_init(experiment_object *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"path", "text", "name", "base_dir", "sets", "learn", NULL};
    PyObject *path_obj = Py_None;
    const char *text = NULL;
    Py_ssize_t text_len = 0;
    const char *name = NULL;
    const char *base_dir = NULL;
    PyObject *sets = NULL;
    int learn = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O$z#zzOp", kwlist, &path_obj, &text,
                                     &text_len, &name, &base_dir, &sets, &learn)) {
        return -1;
    }
    if (self->x != NULL || self->cfg_loaded) {
        PyErr_SetString(PyExc_RuntimeError, "an experiment is initialised once");
        return -1;
    }
    PyObject *path_bytes = NULL;
    if (path_obj != Py_None && !PyUnicode_FSConverter(path_obj, &path_bytes)) {
        return -1;
    }
    const char *path = path_bytes != NULL ? PyBytes_AS_STRING(path_bytes) : NULL;
    if ((path == NULL) == (text == NULL)) {
        Py_XDECREF(path_bytes);
        PyErr_SetString(PyExc_TypeError, "give a path or a text, not both");
        return -1;
    }
    /* The overrides: borrowed UTF-8 of the strings kept alive by `items`. */
    PyObject *items = sets != NULL && sets != Py_None
                          ? PySequence_Fast(sets, "sets must be a sequence of (key, value, "
                                                  "origin)")
                          : PyList_New(0);
    PyObject *origins = PyList_New(0);
    plnet_override *ov = NULL;
    memtext err = {0};
    int result = -1;
    if (items == NULL || origins == NULL) {
        goto done;
    }
    Py_ssize_t n_sets = PySequence_Fast_GET_SIZE(items);
    ov = PyMem_Calloc((size_t)(n_sets > 0 ? n_sets : 1), sizeof *ov);
    if (ov == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < n_sets; k++) {
        PyObject *t = PySequence_Fast_GET_ITEM(items, k);
        if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) != 3 ||
            !PyArg_ParseTuple(t, "sss", &ov[k].key, &ov[k].value, &ov[k].origin)) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_TypeError, "sets must hold (key, value, origin) strings");
            }
            goto done;
        }
        if (PyList_Append(origins, PyTuple_GET_ITEM(t, 2)) != 0) {
            goto done;
        }
    }
    if (memtext_open(&err) != 0) {
        goto done;
    }
    int rc = path != NULL ? plnet_config_load_with(path, ov, (size_t)n_sets, &self->cfg, err.f)
                          : plnet_config_load_text(text, (size_t)text_len, name, base_dir, ov,
                                                   (size_t)n_sets, &self->cfg, err.f);
    self->cfg_loaded = true;
    memtext_close(&err);
    /* Every line but an error's (the last) is a warning of the reader: Python's warnings. */
    char *last = err.buf;
    for (char *line = err.buf; line != NULL && *line != '\0';) {
        char *nl = strchr(line, '\n');
        char *next = nl != NULL ? nl + 1 : line + strlen(line);
        bool is_last = *next == '\0';
        if (is_last) {
            last = line;
        }
        if (!is_last || rc == 0) {
            if (nl != NULL) {
                *nl = '\0';
            }
            if (PyErr_WarnFormat(PyExc_UserWarning, 1, "%s", strip_report(line)) != 0) {
                goto done; /* warnings as errors */
            }
            if (nl != NULL) {
                *nl = '\n';
            }
        }
        line = next;
    }
    if (rc != 0) {
        if (rc == 1 && err.buf != NULL && strstr(err.buf, "out of memory") != NULL) {
            PyErr_NoMemory();
        } else {
            raise_config_error(last, path != NULL ? path : (name != NULL ? name : "config"),
                               origins);
        }
        plnet_config_free(&self->cfg);
        self->cfg_loaded = false;
        goto done;
    }
    free(err.buf);
    err.buf = NULL;
    if (memtext_open(&err) != 0) {
        goto done;
    }
    /* The graph (igraph's generators: its error handlers and random generator are
     * process-global in igraph 0.10) is built with the GIL held, so two Python threads
     * never run igraph at once; the rest (network, factorization, the first evaluation)
     * without it. */
    rc = plnet_experiment_open(&self->cfg, PLN_BUILD_GRAPH, &self->ctx, &self->x, err.f);
    memtext_close(&err);
    if (rc != 0) {
        if (self->ctx != NULL && pln_ctx_last_error(self->ctx)->code != PLN_OK) {
            raise_lib_error(self->ctx, &self->cfg, pln_ctx_last_error(self->ctx)->code,
                            NULL);
        } else {
            PyErr_NoMemory();
        }
        pln_experiment_destroy(self->x);
        self->x = NULL;
        goto done;
    }
    pln_status st;
    self->busy = 1;
    Py_BEGIN_ALLOW_THREADS
    st = pln_experiment_build(self->x, learn ? PLN_BUILD_LEARNER : PLN_BUILD_NETWORK);
    Py_END_ALLOW_THREADS
    self->busy = 0;
    if (st != PLN_OK) {
        raise_lib_error(self->ctx, &self->cfg, st, NULL);
        pln_experiment_destroy(self->x);
        self->x = NULL;
        goto done;
    }
    result = 0;
done:
    memtext_close(&err);
    free(err.buf);
    PyMem_Free(ov);
    Py_XDECREF(items);
    Py_XDECREF(origins);
    Py_XDECREF(path_bytes);
    return result;
}

/* ---------------------------------------------------------------- running */

/* One train() call: what the library's callbacks need to reach Python. */
typedef struct run_state {
    experiment_object *self;
    PyThreadState *ts;  /* the thread state saved while the GIL is released */
    PyObject *callback; /* may be NULL */
    pln_idx step_column; /* the metrics column "step", or -1 */
    struct timespec last_check;
    bool checked;
    bool stopped;       /* the callback returned False */
    PyObject *exc_type, *exc_value, *exc_tb; /* a Python exception to re-raise */
} run_state;

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + 1e-9 * (double)(b->tv_nsec - a->tv_nsec);
}

/* With the GIL held: let Python run its signal handlers (Ctrl-C raises KeyboardInterrupt
 * there); a raised exception is kept for after the run. */
static bool check_signals_locked(run_state *r)
{
    if (PyErr_CheckSignals() != 0) {
        PyErr_Fetch(&r->exc_type, &r->exc_value, &r->exc_tb);
        return false;
    }
    return true;
}

/* The context's progress callback, asked before every step without the GIL. */
static pln_status run_progress(double fraction, const char *what, void *user)
{
    (void)fraction;
    (void)what;
    run_state *r = user;
    if (r->exc_type != NULL) {
        return PLN_EINTERRUPTED;
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (r->checked && seconds_between(&r->last_check, &now) < SIGNAL_CHECK_SECONDS) {
        return PLN_OK;
    }
    r->checked = true;
    r->last_check = now;
    PyEval_RestoreThread(r->ts);
    bool go = check_signals_locked(r);
    r->ts = PyEval_SaveThread();
    return go ? PLN_OK : PLN_EINTERRUPTED;
}

/* The row of metrics k as a dict (the step as an int). */
static PyObject *row_dict(experiment_object *self, pln_idx row)
{
    const pln_idx nc = pln_experiment_metrics_n_columns(self->x);
    const double *v = pln_experiment_metrics_rows(self->x) + row * nc;
    PyObject *d = PyDict_New();
    for (pln_idx k = 0; d != NULL && k < nc; k++) {
        const char *name = pln_experiment_metrics_column(self->x, k, NULL);
        PyObject *val = strcmp(name, "step") == 0 ? PyLong_FromLongLong((long long)v[k])
                                                  : PyFloat_FromDouble(v[k]);
        if (val == NULL || PyDict_SetItemString(d, name, val) != 0) {
            Py_XDECREF(val);
            Py_CLEAR(d);
            break;
        }
        Py_DECREF(val);
    }
    return d;
}

/* After every step: the callback with each newly logged row. */
static pln_status run_on_step(pln_experiment *x, int64_t step, void *user)
{
    run_state *r = user;
    if (r->callback == NULL) {
        return PLN_OK;
    }
    /* A row was logged by this step when the last row is this step's (counting rows would
     * miss one after the off-grid row of an earlier train() is dropped). */
    const pln_idx rows = pln_experiment_metrics_n_rows(x);
    const pln_idx nc = pln_experiment_metrics_n_columns(x);
    if (rows == 0 || r->step_column < 0 ||
        pln_experiment_metrics_rows(x)[(rows - 1) * nc + r->step_column] != (double)step) {
        return PLN_OK;
    }
    PyEval_RestoreThread(r->ts);
    pln_status st = PLN_OK;
    r->self->busy = 2;
    PyObject *row = row_dict(r->self, rows - 1);
    PyObject *res = row != NULL ? PyObject_CallFunction(r->callback, "LO", (long long)step, row)
                                : NULL;
    r->self->busy = 1;
    if (res == NULL) {
        PyErr_Fetch(&r->exc_type, &r->exc_value, &r->exc_tb);
        st = PLN_EINTERRUPTED;
    } else if (res == Py_False) {
        r->stopped = true;
        st = PLN_EINTERRUPTED;
    } else if (!check_signals_locked(r)) {
        st = PLN_EINTERRUPTED;
    }
    clock_gettime(CLOCK_MONOTONIC, &r->last_check);
    Py_XDECREF(res);
    Py_XDECREF(row);
    r->ts = PyEval_SaveThread();
    return st;
}

PyDoc_STRVAR(run_doc, "_run(until, callback=None) -> bool\n\n"
                      "Step until the step count reaches `until` (absolute). True when it got "
                      "there, False when the callback returned False.");

static PyObject *experiment_run(experiment_object *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"until", "callback", NULL};
    long long until = 0;
    PyObject *callback = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "L|O", kwlist, &until, &callback)) {
        return NULL;
    }
    if (!usable(self, true)) {
        return NULL;
    }
    if (callback != Py_None && !PyCallable_Check(callback)) {
        PyErr_SetString(PyExc_TypeError, "callback must be callable or None");
        return NULL;
    }
    run_state r;
    memset(&r, 0, sizeof r);
    r.self = self;
    r.callback = callback != Py_None ? callback : NULL;
    r.step_column = -1;
    for (pln_idx k = 0; k < pln_experiment_metrics_n_columns(self->x); k++) {
        if (strcmp(pln_experiment_metrics_column(self->x, k, NULL), "step") == 0) {
            r.step_column = k;
        }
    }
    pln_status st;
    self->busy = 1;
    pln_ctx_set_progress(self->ctx, run_progress, &r);
    r.ts = PyEval_SaveThread();
    st = pln_experiment_run(self->x, (int64_t)until, run_on_step, &r);
    PyEval_RestoreThread(r.ts);
    pln_ctx_set_progress(self->ctx, NULL, NULL);
    self->busy = 0;
    if (r.exc_type != NULL) {
        PyErr_Restore(r.exc_type, r.exc_value, r.exc_tb);
        return NULL;
    }
    if (st == PLN_EINTERRUPTED && r.stopped) {
        Py_RETURN_FALSE;
    }
    if (st != PLN_OK) {
        raise_lib_error(self->ctx, &self->cfg, st, "train step");
        return NULL;
    }
    Py_RETURN_TRUE;
}

PyDoc_STRVAR(step_doc, "step() -> int\n\n"
                       "One learning step (a protocol period for temporal learning), the GIL "
                       "released; a metrics row is logged when the step count is a multiple "
                       "of train.log_every. Returns the step count.");

static PyObject *experiment_step(experiment_object *self, PyObject *unused)
{
    (void)unused;
    if (!usable(self, true)) {
        return NULL;
    }
    pln_status st;
    self->busy = 1;
    Py_BEGIN_ALLOW_THREADS
    st = pln_experiment_step(self->x);
    Py_END_ALLOW_THREADS
    self->busy = 0;
    if (st != PLN_OK) {
        raise_lib_error(self->ctx, &self->cfg, st, "train step");
        return NULL;
    }
    return PyLong_FromLongLong((long long)pln_experiment_steps(self->x));
}

static PyObject *experiment_finish(experiment_object *self, PyObject *unused)
{
    (void)unused;
    if (!usable(self, true)) {
        return NULL;
    }
    pln_status st;
    self->busy = 1;
    Py_BEGIN_ALLOW_THREADS
    st = pln_experiment_finish(self->x);
    Py_END_ALLOW_THREADS
    self->busy = 0;
    if (st != PLN_OK) {
        raise_lib_error(self->ctx, &self->cfg, st, "evaluate");
        return NULL;
    }
    Py_RETURN_NONE;
}

/* ---------------------------------------------------------------- state */

static PyObject *experiment_get_steps(experiment_object *self, void *closure)
{
    (void)closure;
    if (!usable(self, false)) {
        return NULL;
    }
    return PyLong_FromLongLong((long long)pln_experiment_steps(self->x));
}

static PyObject *experiment_get_theta(experiment_object *self, void *closure)
{
    (void)closure;
    if (!usable(self, false)) {
        return NULL;
    }
    return array_from(pln_experiment_theta(self->x), (npy_intp)pln_experiment_n_theta(self->x));
}

static int experiment_set_theta(experiment_object *self, PyObject *value, void *closure)
{
    (void)closure;
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "theta cannot be deleted");
        return -1;
    }
    if (!usable(self, true)) {
        return -1;
    }
    PyArrayObject *a = real_array(value, 1, "theta");
    if (a == NULL) {
        return -1;
    }
    const pln_idx n = pln_experiment_n_theta(self->x);
    if ((pln_idx)PyArray_DIM(a, 0) != n) {
        PyErr_Format(PyExc_ValueError, "theta must have %lld values (one per learning degree "
                     "of freedom), not %lld",
                     (long long)n, (long long)PyArray_DIM(a, 0));
        Py_DECREF(a);
        return -1;
    }
    const double *v = PyArray_DATA(a);
    pln_status st;
    self->busy = 1;
    Py_BEGIN_ALLOW_THREADS
    st = pln_experiment_set_theta(self->x, v, n);
    Py_END_ALLOW_THREADS
    self->busy = 0;
    Py_DECREF(a);
    if (st != PLN_OK) {
        raise_lib_error(self->ctx, &self->cfg, st, "theta");
        return -1;
    }
    return 0;
}

static PyObject *experiment_get_n_theta(experiment_object *self, void *closure)
{
    (void)closure;
    if (!usable(self, false)) {
        return NULL;
    }
    return PyLong_FromLongLong((long long)pln_experiment_n_theta(self->x));
}

static PyObject *experiment_get_columns(experiment_object *self, void *closure)
{
    (void)closure;
    if (!usable(self, false)) {
        return NULL;
    }
    const pln_idx nc = pln_experiment_metrics_n_columns(self->x);
    PyObject *l = PyList_New((Py_ssize_t)nc);
    for (pln_idx k = 0; l != NULL && k < nc; k++) {
        const char *unit = NULL;
        const char *name = pln_experiment_metrics_column(self->x, k, &unit);
        PyObject *t = Py_BuildValue("(ss)", name, unit != NULL ? unit : "");
        if (t == NULL) {
            Py_CLEAR(l);
            break;
        }
        PyList_SET_ITEM(l, (Py_ssize_t)k, t);
    }
    return l;
}

static PyObject *experiment_get_rows(experiment_object *self, void *closure)
{
    (void)closure;
    if (!usable(self, false)) {
        return NULL;
    }
    npy_intp dims[2] = {(npy_intp)pln_experiment_metrics_n_rows(self->x),
                        (npy_intp)pln_experiment_metrics_n_columns(self->x)};
    PyObject *a = PyArray_SimpleNew(2, dims, NPY_FLOAT64);
    if (a != NULL && dims[0] * dims[1] > 0) {
        memcpy(PyArray_DATA((PyArrayObject *)a), pln_experiment_metrics_rows(self->x),
               (size_t)(dims[0] * dims[1]) * sizeof(double));
    }
    return a;
}

static PyObject *experiment_get_edges(experiment_object *self, void *closure)
{
    (void)closure;
    if (!usable_for(self, false, false)) {
        return NULL;
    }
    pln_network *net = pln_experiment_network(self->x);
    npy_intp dims[2] = {(npy_intp)pln_network_n_edges(net), 2};
    PyObject *a = PyArray_SimpleNew(2, dims, NPY_INT64);
    if (a != NULL) {
        int64_t *v = PyArray_DATA((PyArrayObject *)a);
        const pln_idx *t = pln_network_tails(net);
        const pln_idx *h = pln_network_heads(net);
        for (npy_intp e = 0; e < dims[0]; e++) {
            v[2 * e] = t[e];
            v[2 * e + 1] = h[e];
        }
    }
    return a;
}

static PyObject *experiment_get_n_nodes(experiment_object *self, void *closure)
{
    (void)closure;
    if (!usable_for(self, false, false)) {
        return NULL;
    }
    return PyLong_FromLongLong((long long)pln_network_n_nodes(pln_experiment_network(self->x)));
}

static PyObject *experiment_get_roles(experiment_object *self, void *closure)
{
    (void)closure;
    if (!usable_for(self, false, false)) {
        return NULL;
    }
    const pln_idx n = pln_network_n_nodes(pln_experiment_network(self->x));
    const char *const *roles = pln_experiment_roles(self->x);
    PyObject *l = PyList_New((Py_ssize_t)n);
    for (pln_idx k = 0; l != NULL && k < n; k++) {
        PyObject *s = PyUnicode_FromString(roles[k] != NULL ? roles[k] : "");
        if (s == NULL) {
            Py_CLEAR(l);
            break;
        }
        PyList_SET_ITEM(l, (Py_ssize_t)k, s);
    }
    return l;
}

/* The network's boundary as stored: fixed nodes and values, injected currents, edge
 * sources (values per state component: d per node for springs). */
static PyObject *experiment_get_boundary(experiment_object *self, void *closure)
{
    (void)closure;
    if (!usable_for(self, false, false)) {
        return NULL;
    }
    const pln_network *net = pln_experiment_network(self->x);
    const pln_boundary *b = pln_network_boundary(net);
    const npy_intp d = pln_network_state_dim(net);
    PyObject *fixed_nodes = index_array_from(b->dirichlet_nodes, (npy_intp)b->n_dirichlet);
    PyObject *fixed_values = array_from(pln_network_dirichlet_values(net),
                                        (npy_intp)b->n_dirichlet * d);
    PyObject *cur_nodes = index_array_from(b->current_nodes, (npy_intp)b->n_currents);
    PyObject *cur_values = array_from(pln_network_current_values(net),
                                      (npy_intp)b->n_currents * d);
    PyObject *src_edges = index_array_from(b->source_edges, (npy_intp)b->n_sources);
    PyObject *src_values = array_from(pln_network_source_values(net), (npy_intp)b->n_sources);
    PyObject *res = NULL;
    if (fixed_nodes != NULL && fixed_values != NULL && cur_nodes != NULL &&
        cur_values != NULL && src_edges != NULL && src_values != NULL) {
        res = Py_BuildValue("{sOsOsOsOsOsO}", "fixed_nodes", fixed_nodes, "fixed_values",
                            fixed_values, "current_nodes", cur_nodes, "current_values",
                            cur_values, "source_edges", src_edges, "source_values",
                            src_values);
    }
    Py_XDECREF(fixed_nodes);
    Py_XDECREF(fixed_values);
    Py_XDECREF(cur_nodes);
    Py_XDECREF(cur_values);
    Py_XDECREF(src_edges);
    Py_XDECREF(src_values);
    return res;
}

static PyObject *experiment_get_kind(experiment_object *self, void *closure)
{
    (void)closure;
    if (!usable_for(self, false, false)) {
        return NULL;
    }
    return PyUnicode_FromString(pln_kind_name(pln_network_kind(pln_experiment_network(self->x))));
}

static PyObject *experiment_get_name(experiment_object *self, void *closure)
{
    (void)closure;
    if (!usable_for(self, false, false)) {
        return NULL;
    }
    return PyUnicode_FromString(self->cfg.d.name != NULL ? self->cfg.d.name : "");
}

static PyObject *experiment_get_learns(experiment_object *self, void *closure)
{
    (void)closure;
    if (!usable_for(self, false, false)) {
        return NULL;
    }
    return PyBool_FromLong(pln_experiment_stage(self->x) >= PLN_BUILD_LEARNER);
}

static PyObject *experiment_get_config_steps(experiment_object *self, void *closure)
{
    (void)closure;
    if (!usable_for(self, false, false)) {
        return NULL;
    }
    return PyLong_FromLongLong((long long)self->cfg.d.train.steps);
}

static PyObject *experiment_get_config(experiment_object *self, void *closure)
{
    (void)closure;
    if (!usable_for(self, false, false)) {
        return NULL;
    }
    size_t len = 0;
    if (pln_experiment_config_text(self->x, false, NULL, 0, &len) != PLN_OK) {
        return PyErr_NoMemory();
    }
    char *buf = PyMem_Malloc(len + 1);
    if (buf == NULL) {
        return PyErr_NoMemory();
    }
    PyObject *s = NULL;
    if (pln_experiment_config_text(self->x, false, buf, len + 1, &len) == PLN_OK) {
        s = PyUnicode_FromStringAndSize(buf, (Py_ssize_t)len);
    } else {
        PyErr_NoMemory();
    }
    PyMem_Free(buf);
    return s;
}

/* ---------------------------------------------------------------- solving, outputs */

PyDoc_STRVAR(solve_doc, "_solve() -> (state, power, supplied, newton_iterations)\n\n"
                        "The free state with the boundary as configured and the current "
                        "theta: potentials (n,) in V, or positions (n, d) in m for springs.");

static PyObject *experiment_solve(experiment_object *self, PyObject *unused)
{
    (void)unused;
    if (!usable_for(self, true, false)) {
        return NULL;
    }
    const pln_network *net = pln_experiment_network(self->x);
    const int d = pln_network_state_dim(net);
    npy_intp dims[2] = {(npy_intp)pln_network_n_nodes(net), d};
    PyObject *a = PyArray_SimpleNew(d == 1 ? 1 : 2, dims, NPY_FLOAT64);
    if (a == NULL) {
        return NULL;
    }
    double *state = PyArray_DATA((PyArrayObject *)a);
    pln_solve_result r;
    pln_status st;
    self->busy = 1;
    Py_BEGIN_ALLOW_THREADS
    st = pln_experiment_solve(self->x, state, &r);
    Py_END_ALLOW_THREADS
    self->busy = 0;
    if (st != PLN_OK) {
        Py_DECREF(a);
        raise_lib_error(self->ctx, &self->cfg, st, "solve");
        return NULL;
    }
    return Py_BuildValue("(NddL)", a, r.power, r.supplied, (long long)r.newton_iterations);
}

static PyObject *experiment_outputs(experiment_object *self, PyObject *args)
{
    const char *split_name = "test";
    if (!PyArg_ParseTuple(args, "|s", &split_name)) {
        return NULL;
    }
    int ok;
    pln_split split = split_of(split_name, &ok);
    if (!ok || !usable(self, true)) {
        return NULL;
    }
    npy_intp dims[2] = {(npy_intp)pln_experiment_n_examples(self->x, split),
                        (npy_intp)pln_experiment_n_outputs(self->x)};
    PyObject *a = PyArray_SimpleNew(2, dims, NPY_FLOAT64);
    if (a == NULL) {
        return NULL;
    }
    /* n_out x n column-major is (n, n_out) row-major. */
    double *o = PyArray_DATA((PyArrayObject *)a);
    pln_status st;
    self->busy = 1;
    Py_BEGIN_ALLOW_THREADS
    st = pln_experiment_outputs(self->x, split, o);
    Py_END_ALLOW_THREADS
    self->busy = 0;
    if (st != PLN_OK) {
        Py_DECREF(a);
        raise_lib_error(self->ctx, &self->cfg, st, "outputs");
        return NULL;
    }
    return a;
}

static PyObject *experiment_evaluate(experiment_object *self, PyObject *args)
{
    const char *split_name = "test";
    if (!PyArg_ParseTuple(args, "|s", &split_name)) {
        return NULL;
    }
    int ok;
    pln_split split = split_of(split_name, &ok);
    if (!ok || !usable(self, true)) {
        return NULL;
    }
    pln_metrics m;
    pln_status st;
    self->busy = 1;
    Py_BEGIN_ALLOW_THREADS
    st = pln_experiment_evaluate(self->x, split, &m);
    Py_END_ALLOW_THREADS
    self->busy = 0;
    if (st != PLN_OK) {
        raise_lib_error(self->ctx, &self->cfg, st, "evaluate");
        return NULL;
    }
    return Py_BuildValue("{sLsdsdsd}", "examples", (long long)m.n, "loss", m.loss, "error",
                         m.error, "accuracy", m.accuracy);
}

/* ---------------------------------------------------------------- files */

typedef pln_status (*file_fn)(pln_experiment *, const char *);

static PyObject *run_file_fn(experiment_object *self, PyObject *path_obj, file_fn fn,
                             const char *what)
{
    if (!usable(self, true)) {
        return NULL;
    }
    PyObject *bytes = NULL;
    if (!PyUnicode_FSConverter(path_obj, &bytes)) {
        return NULL;
    }
    const char *path = PyBytes_AS_STRING(bytes);
    pln_status st;
    self->busy = 1;
    Py_BEGIN_ALLOW_THREADS
    st = fn(self->x, path);
    Py_END_ALLOW_THREADS
    self->busy = 0;
    Py_DECREF(bytes);
    if (st != PLN_OK) {
        raise_lib_error(self->ctx, &self->cfg, st, what);
        return NULL;
    }
    Py_RETURN_NONE;
}

static pln_status save_with_config(pln_experiment *x, const char *dir)
{
    return pln_experiment_save(x, dir, true);
}

static PyObject *experiment_save_files(experiment_object *self, PyObject *path)
{
    return run_file_fn(self, path, save_with_config, NULL);
}

static PyObject *experiment_write_checkpoint(experiment_object *self, PyObject *path)
{
    return run_file_fn(self, path, pln_experiment_write_checkpoint, "checkpoint");
}

static PyObject *experiment_write_metrics(experiment_object *self, PyObject *path)
{
    return run_file_fn(self, path, pln_experiment_write_metrics, "metrics");
}

static PyObject *experiment_write_config(experiment_object *self, PyObject *path)
{
    return run_file_fn(self, path, pln_experiment_write_config, "config");
}

static PyObject *experiment_read_checkpoint(experiment_object *self, PyObject *path)
{
    return run_file_fn(self, path, pln_experiment_read_checkpoint, "checkpoint");
}

static PyMethodDef experiment_methods[] = {
    {"_run", (PyCFunction)(void (*)(void))experiment_run, METH_VARARGS | METH_KEYWORDS, run_doc},
    {"step", (PyCFunction)experiment_step, METH_NOARGS, step_doc},
    {"_finish", (PyCFunction)experiment_finish, METH_NOARGS,
     "Log the last step's metrics row when it is off the train.log_every grid."},
    {"_solve", (PyCFunction)experiment_solve, METH_NOARGS, solve_doc},
    {"_outputs", (PyCFunction)experiment_outputs, METH_VARARGS,
     "_outputs(split='test') -> array (examples, outputs)"},
    {"_evaluate", (PyCFunction)experiment_evaluate, METH_VARARGS,
     "_evaluate(split='test') -> dict of examples, loss, error, accuracy"},
    {"_save_files", (PyCFunction)experiment_save_files, METH_O,
     "Write the run files into an existing folder."},
    {"_write_checkpoint", (PyCFunction)experiment_write_checkpoint, METH_O, NULL},
    {"_write_metrics", (PyCFunction)experiment_write_metrics, METH_O, NULL},
    {"_write_config", (PyCFunction)experiment_write_config, METH_O, NULL},
    {"_read_checkpoint", (PyCFunction)experiment_read_checkpoint, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef experiment_getset[] = {
    {"steps", (getter)experiment_get_steps, NULL,
     "Steps taken (protocol periods for temporal learning).", NULL},
    {"theta", (getter)experiment_get_theta, (setter)experiment_set_theta,
     "The learning degrees of freedom (a copy, float64): conductances (S), radii (m), "
     "stiffnesses (N/m) or rest lengths (m) by learning.dof; stiffnesses then rest lengths "
     "for dof both. Assigning a 1-D real array of the same length replaces them between "
     "steps (each finite and within network.<parameter>.min/max); a refused value leaves the "
     "experiment unchanged.",
     NULL},
    {"n_theta", (getter)experiment_get_n_theta, NULL, "Length of theta.", NULL},
    {"_columns", (getter)experiment_get_columns, NULL, "[(name, unit)] of the metrics rows.",
     NULL},
    {"_rows", (getter)experiment_get_rows, NULL, "The logged metrics rows (rows x columns).",
     NULL},
    {"edges", (getter)experiment_get_edges, NULL,
     "(m, 2) int64 array of (tail, head) node ids: edge e runs tail -> head.", NULL},
    {"n_nodes", (getter)experiment_get_n_nodes, NULL, "Number of nodes.", NULL},
    {"roles", (getter)experiment_get_roles, NULL,
     "Per node its role: 'ground', 'potential', 'current', 'input', 'output' or ''.", NULL},
    {"boundary", (getter)experiment_get_boundary, NULL,
     "The network's boundary as stored: fixed_nodes/fixed_values (V; m per axis for "
     "springs), current_nodes/current_values (A; N per axis), source_edges/source_values "
     "(V).",
     NULL},
    {"kind", (getter)experiment_get_kind, NULL, "The network kind ('resistor', 'flow', ...).",
     NULL},
    {"name", (getter)experiment_get_name, NULL, "The experiment's name.", NULL},
    {"learns", (getter)experiment_get_learns, NULL,
     "Whether the experiment was opened to learn (learn=True), not the network only.", NULL},
    {"_config_steps", (getter)experiment_get_config_steps, NULL, "train.steps.", NULL},
    {"config", (getter)experiment_get_config, NULL,
     "The resolved configuration (YAML text, every key): config.resolved.yaml.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject experiment_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "plnet._plnet._Experiment",
    .tp_basicsize = sizeof(experiment_object),
    .tp_dealloc = (destructor)experiment_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = experiment_init_doc,
    .tp_weaklistoffset = offsetof(experiment_object, weakrefs),
    .tp_methods = experiment_methods,
    .tp_getset = experiment_getset,
    .tp_init = (initproc)experiment_init,
    .tp_new = PyType_GenericNew,
};

/* ================================================================== one-off solves */

PyDoc_STRVAR(solve_network_doc,
             "solve_network(kind, n_nodes, tails, heads, edge_attrs, positions, viscosity,\n"
             "              fixed_nodes, fixed_values, fixed_axes, current_nodes,\n"
             "              current_values) -> (state, currents, power, supplied)\n\n"
             "Build the network of arrays and solve its free state once (see plnet.solve). "
             "kind: 0 resistor, 1 flow, 2 spring, 3 spring_linear; edge_attrs: dict of edge "
             "attribute name -> (m,) values ('conductance', 'resistance', 'radius', "
             "'length', 'stiffness', 'rest_length'); positions: None or (n, d); values are "
             "per state component (d per node for springs); fixed_axes None or a mask per "
             "fixed node.");

static PyObject *solve_network(PyObject *module, PyObject *args)
{
    (void)module;
    int kind = 0;
    long long n_nodes = 0;
    PyObject *tails_o, *heads_o, *attrs_o, *pos_o, *fn_o, *fv_o, *fa_o, *cn_o, *cv_o;
    double viscosity = 1.0;
    if (!PyArg_ParseTuple(args, "iLOOO!OdOOOOO", &kind, &n_nodes, &tails_o, &heads_o,
                          &PyDict_Type, &attrs_o, &pos_o, &viscosity, &fn_o, &fv_o, &fa_o,
                          &cn_o, &cv_o)) {
        return NULL;
    }
    if (kind < 0 || kind > PLN_KIND_SPRING_LINEAR) {
        PyErr_Format(PyExc_ValueError, "unknown network kind %d", kind);
        return NULL;
    }
    PyArrayObject *tails = NULL, *heads = NULL, *pos = NULL, *fn = NULL, *fv = NULL,
                  *fa = NULL, *cn = NULL, *cv = NULL;
    PyObject *attr_names = NULL;
    PyArrayObject **attr_vals = NULL;
    Py_ssize_t n_attrs = 0;
    int *axes = NULL;
    pln_ctx *ctx = NULL;
    pln_graph *g = NULL;
    pln_network *net = NULL;
    pln_states *st_obj = NULL;
    PyObject *state = NULL, *currents = NULL, *result = NULL;
    tails = index_array(tails_o, "tails");
    heads = tails != NULL ? index_array(heads_o, "heads") : NULL;
    if (heads == NULL) {
        goto done;
    }
    const npy_intp m = PyArray_DIM(tails, 0);
    if (PyArray_DIM(heads, 0) != m) {
        PyErr_SetString(PyExc_ValueError, "tails and heads differ in length");
        goto done;
    }
    int dim = 0;
    if (pos_o != Py_None) {
        pos = real_array(pos_o, 2, "positions");
        if (pos == NULL) {
            goto done;
        }
        dim = (int)PyArray_DIM(pos, 1);
        if (PyArray_DIM(pos, 0) != (npy_intp)n_nodes || (dim != 2 && dim != 3)) {
            PyErr_SetString(PyExc_ValueError, "positions must be (n_nodes, 2) or (n_nodes, 3)");
            goto done;
        }
    }
    const bool spring = kind == PLN_KIND_SPRING || kind == PLN_KIND_SPRING_LINEAR;
    if (spring && dim == 0) {
        PyErr_SetString(PyExc_ValueError, "a spring network needs node positions");
        goto done;
    }
    const npy_intp comp = spring ? dim : 1;
    fn = index_array(fn_o, "fixed nodes");
    fv = fn != NULL ? real_array(fv_o, 1, "fixed values") : NULL;
    cn = fv != NULL ? index_array(cn_o, "current nodes") : NULL;
    cv = cn != NULL ? real_array(cv_o, 1, "current values") : NULL;
    if (cv == NULL) {
        goto done;
    }
    if (PyArray_DIM(fv, 0) != PyArray_DIM(fn, 0) * comp ||
        PyArray_DIM(cv, 0) != PyArray_DIM(cn, 0) * comp) {
        PyErr_SetString(PyExc_ValueError, "boundary values do not match their nodes");
        goto done;
    }
    if (fa_o != Py_None) {
        fa = index_array(fa_o, "fixed axes");
        if (fa == NULL) {
            goto done;
        }
        if (PyArray_DIM(fa, 0) != PyArray_DIM(fn, 0)) {
            PyErr_SetString(PyExc_ValueError, "one axis mask per fixed node");
            goto done;
        }
        axes = PyMem_Calloc((size_t)PyArray_DIM(fa, 0) + 1, sizeof *axes);
        if (axes == NULL) {
            PyErr_NoMemory();
            goto done;
        }
        const int64_t *av = PyArray_DATA(fa);
        for (npy_intp k = 0; k < PyArray_DIM(fa, 0); k++) {
            axes[k] = (int)av[k];
        }
    }
    attr_names = PyDict_Keys(attrs_o);
    if (attr_names == NULL) {
        goto done;
    }
    n_attrs = PyList_GET_SIZE(attr_names);
    attr_vals = PyMem_Calloc((size_t)n_attrs + 1, sizeof *attr_vals);
    if (attr_vals == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < n_attrs; k++) {
        PyObject *name = PyList_GET_ITEM(attr_names, k);
        if (!PyUnicode_Check(name)) {
            PyErr_SetString(PyExc_TypeError, "edge attribute names must be strings");
            goto done;
        }
        attr_vals[k] = real_array(PyDict_GetItem(attrs_o, name), 1, PyUnicode_AsUTF8(name));
        if (attr_vals[k] == NULL) {
            goto done;
        }
        if (PyArray_DIM(attr_vals[k], 0) != m) {
            PyErr_Format(PyExc_ValueError, "edge attribute %S needs %lld values", name,
                         (long long)m);
            goto done;
        }
    }
    npy_intp dims[2] = {(npy_intp)n_nodes, comp};
    state = PyArray_SimpleNew(spring ? 2 : 1, dims, NPY_FLOAT64);
    currents = PyArray_SimpleNew(1, (npy_intp *)&m, NPY_FLOAT64);
    if (state == NULL || currents == NULL) {
        goto done;
    }
    if (pln_ctx_create(&ctx) != PLN_OK) {
        PyErr_NoMemory();
        goto done;
    }
    pln_status st = pln_graph_create(ctx, (pln_idx)n_nodes, (pln_idx)m, PyArray_DATA(tails),
                                     PyArray_DATA(heads), &g);
    if (st == PLN_OK && pos != NULL) {
        st = pln_graph_set_positions(g, dim, PyArray_DATA(pos));
    }
    for (Py_ssize_t k = 0; st == PLN_OK && k < n_attrs; k++) {
        st = pln_graph_edge_attr_set(g, PyUnicode_AsUTF8(PyList_GET_ITEM(attr_names, k)),
                                     PyArray_DATA(attr_vals[k]));
    }
    double power = 0.0, supplied = 0.0;
    if (st == PLN_OK) {
        pln_network_options o;
        pln_network_options_default(&o);
        o.kind = (pln_kind)kind;
        o.viscosity = viscosity;
        pln_boundary bc;
        pln_boundary_default(&bc);
        bc.n_dirichlet = (pln_idx)PyArray_DIM(fn, 0);
        bc.dirichlet_nodes = PyArray_DATA(fn);
        bc.dirichlet_values = PyArray_DATA(fv);
        bc.dirichlet_axes = axes;
        bc.n_currents = (pln_idx)PyArray_DIM(cn, 0);
        bc.current_nodes = PyArray_DATA(cn);
        bc.current_values = PyArray_DATA(cv);
        double *p = PyArray_DATA((PyArrayObject *)state);
        double *q = PyArray_DATA((PyArrayObject *)currents);
        Py_BEGIN_ALLOW_THREADS
        st = pln_network_create(ctx, g, &o, &bc, &net);
        if (st == PLN_OK) {
            st = pln_states_create(ctx, net, 0, NULL, NULL, &st_obj);
        }
        if (st == PLN_OK) {
            st = pln_states_factor(st_obj);
        }
        if (st == PLN_OK) {
            st = pln_states_free(st_obj, 1, NULL, p, NULL);
        }
        if (st == PLN_OK) {
            pln_network_edge_currents(net, p, q);
            power = spring ? pln_network_energy(net, p) : pln_network_power(net, p);
            supplied = pln_network_supplied_power(net, p);
        }
        Py_END_ALLOW_THREADS
    }
    if (st != PLN_OK) {
        raise_lib_error(ctx, NULL, st, NULL);
        goto done;
    }
    result = Py_BuildValue("(OOdd)", state, currents, power, supplied);
done:
    pln_states_destroy(st_obj);
    pln_network_destroy(net);
    pln_graph_destroy(g);
    pln_ctx_destroy(ctx);
    Py_XDECREF(state);
    Py_XDECREF(currents);
    for (Py_ssize_t k = 0; attr_vals != NULL && k < n_attrs; k++) {
        Py_XDECREF(attr_vals[k]);
    }
    PyMem_Free(attr_vals);
    PyMem_Free(axes);
    Py_XDECREF(attr_names);
    Py_XDECREF(tails);
    Py_XDECREF(heads);
    Py_XDECREF(pos);
    Py_XDECREF(fn);
    Py_XDECREF(fv);
    Py_XDECREF(fa);
    Py_XDECREF(cn);
    Py_XDECREF(cv);
    return result;
}

/* ================================================================== the module */

static PyMethodDef module_methods[] = {
    {"solve_network", solve_network, METH_VARARGS, solve_network_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef plnet_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "plnet._plnet",
    .m_doc = "The C extension under the plnet package (use plnet, not this module).",
    .m_size = -1,
    .m_methods = module_methods,
};

PyDoc_STRVAR(error_doc,
             "An error of plnet's library or configuration reader (a ValueError).\n\n"
             "Attributes: status ('EINVAL', 'ESINGULAR', 'EIO', ...), message (the library's "
             "text), key (the configuration or option key at fault, or None), node and edge "
             "(ids at fault, or None; plnet.solve gives the graph's own labels), location "
             "('file.yaml:LINE:COL', the file, or the set= override the value came from, or "
             "None).");

PyMODINIT_FUNC PyInit__plnet(void)
{
    import_array();
    if (PyType_Ready(&experiment_type) < 0) {
        return NULL;
    }
    PyObject *m = PyModule_Create(&plnet_module);
    if (m == NULL) {
        return NULL;
    }
    plnet_error = PyErr_NewExceptionWithDoc("plnet.Error", error_doc, PyExc_ValueError, NULL);
    if (plnet_error == NULL || PyModule_AddObjectRef(m, "Error", plnet_error) != 0 ||
        PyModule_AddObjectRef(m, "_Experiment", (PyObject *)&experiment_type) != 0 ||
        PyModule_AddStringConstant(m, "library_version", pln_version()) != 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
