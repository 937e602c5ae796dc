"""Print where `meson install` puts the plnet package for this interpreter and prefix: the
first of PREFIX/lib/pythonX.Y/dist-packages (Debian), PREFIX/lib/pythonX.Y/site-packages and
PREFIX/lib/python3/dist-packages that the interpreter searches, else the site-packages one
(then PYTHONPATH must name it)."""
import os
import sys

prefix = os.path.abspath(sys.argv[1])
ver = f"python{sys.version_info[0]}.{sys.version_info[1]}"
candidates = [os.path.join(prefix, "lib", ver, "dist-packages"),
              os.path.join(prefix, "lib", ver, "site-packages"),
              os.path.join(prefix, "lib", "python3", "dist-packages")]
searched = {os.path.abspath(p) for p in sys.path if p}
print(next((c for c in candidates if c in searched), candidates[1]))
