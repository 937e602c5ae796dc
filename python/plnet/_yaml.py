"""A configuration given as a Python dict, written as the YAML text the CLI's reader reads.

A dict and a file mean exactly the same: the dict is written as YAML (block mappings, flow
lists) and read by the same reader as a file, so every value is checked as if written in a
file. Dotted keys ({"learning.rate": 0.2}) are the nested sections they name. Values are
Python values: bool, int, float, str, None, lists/tuples/numpy arrays and dicts; a str is
always a (quoted) string, so "0.2" is refused where a number is expected, as '0.2' would be
in a file.
"""

import json
import math
import numbers
import re

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _key_error(key, message):
    from ._plnet import Error
    e = Error(f"{key}: {message}" if key else message)
    e.status, e.message, e.key = "EINVAL", message, key or None
    e.node = e.edge = e.location = None
    return e


def expand(config, prefix=""):
    """The mapping with dotted keys split into nested dicts (a copy). Two spellings of one
    key ({"learning": {"rate": 1}, "learning.rate": 2}) are an error naming it."""
    out = {}
    for key, value in config.items():
        if not isinstance(key, str) or key == "":
            raise _key_error(prefix.rstrip("."), f"keys must be non-empty strings, not {key!r}")
        parts = key.split(".")
        if any(p == "" for p in parts):
            raise _key_error(prefix + key, "empty part in a dotted key")
        node = out
        for k, part in enumerate(parts[:-1]):
            sub = node.setdefault(part, {})
            if not isinstance(sub, dict):
                raise _key_error(prefix + ".".join(parts[: k + 1]),
                                 "given both as a value and as a section")
            node = sub
        last = parts[-1]
        if hasattr(value, "items") and not isinstance(value, str):
            value = expand(value, prefix + key + ".")
            if isinstance(node.get(last), dict):
                _merge(node[last], value, prefix + key + ".")
                continue
        if last in node:
            raise _key_error(prefix + key, "given twice (once dotted, once nested)")
        node[last] = value
    return out


def _merge(into, extra, prefix):
    for k, v in extra.items():
        if k in into:
            if isinstance(into[k], dict) and isinstance(v, dict):
                _merge(into[k], v, prefix + k + ".")
                continue
            raise _key_error(prefix + k, "given twice (once dotted, once nested)")
        into[k] = v


def _key_text(key):
    return key if _PLAIN_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def flow(value, key=""):
    """One value as flow YAML text (one line); `key` names it in errors."""
    if value is None:
        return "null"
    if isinstance(value, bool) or (hasattr(value, "dtype") and getattr(value, "shape", None) == ()
                                   and value.dtype.kind == "b"):
        return "true" if bool(value) else "false"
    if hasattr(value, "dtype") and getattr(value, "shape", None) == ():
        value = value.item()  # a numpy scalar
        if isinstance(value, bool):
            return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        v = float(value)
        if not math.isfinite(v):
            raise _key_error(key, f"{v} is not a finite number")
        return repr(v)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if hasattr(value, "items"):
        items = [f"{_key_text(str(k))}: {flow(v, f'{key}.{k}' if key else str(k))}"
                 for k, v in value.items()]
        return "{" + ", ".join(items) + "}"
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v, f"{key}[{k}]") for k, v in enumerate(value)) + "]"
    raise _key_error(key, f"a {type(value).__name__} cannot be written in a configuration")


def _block(mapping, indent, prefix, lines):
    for k, v in mapping.items():
        name = prefix + k
        if isinstance(v, dict) and v:
            lines.append(" " * indent + _key_text(k) + ":")
            _block(v, indent + 2, name + ".", lines)
        else:
            lines.append(" " * indent + _key_text(k) + ": " + flow(v, name))


def to_yaml(config):
    """The (expanded) configuration as YAML text: block mappings, every other value flow."""
    lines = []
    _block(config, 0, "", lines)
    return "\n".join(lines) + "\n"


def overrides(sets):
    """set={key: value} as the reader's overrides: (key, yaml_value, origin) triples, the
    origin ("set learning.rate=0.2") standing for a file location in errors."""
    if sets is None:
        return []
    if not hasattr(sets, "items"):
        raise TypeError("set= must be a dict of {dotted key: value}")
    out = []
    for key, value in sets.items():
        if not isinstance(key, str) or not key or any(p == "" for p in key.split(".")):
            raise _key_error(str(key), "set= keys must be dotted configuration keys")
        text = flow(value, key)
        out.append((key, text, f"set {key}={text}"))
    return out
