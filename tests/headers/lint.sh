#!/usr/bin/env bash
# Lint: only solvers/ includes CHOLMOD, only graphs/ igraph, only cli/ libyaml; no module includes
# a header of a module above it (graphs -> networks -> solvers -> learning -> experiment -> cli); no public
# header includes a dependency's header. Prints each offence; fails if any.
set -u
root=${1:-.}
cd "$root" || exit 2
bad=0
check() { # pattern, allowed dir, description
    local hits
    hits=$(grep -rlE "$1" --include='*.c' --include='*.h' common graphs networks solvers learning experiment cli 2>/dev/null | grep -v "^$2/" || true)
    if [ -n "$hits" ]; then echo "$3 outside $2/: $hits"; bad=1; fi
}
check '#include <cholmod' solvers 'CHOLMOD included'
check '#include <(igraph|igraph/)' graphs 'igraph included'
check '#include <yaml.h>' cli 'libyaml included'
upward() { # dir, headers it must not include
    local d=$1; shift
    for h in "$@"; do
        if grep -rn "#include \"$h\"" "$d" >/dev/null 2>&1; then
            echo "$d/ includes $h (a module above it)"; bad=1
        fi
    done
}
upward common pln_graph.h pln_network.h pln_solver.h pln_states.h pln_learning.h pln_experiment.h plnet.h
upward graphs pln_network.h pln_solver.h pln_states.h pln_learning.h pln_experiment.h plnet.h
upward networks pln_solver.h pln_states.h pln_learning.h pln_experiment.h plnet.h
upward solvers pln_learning.h pln_experiment.h plnet.h
upward learning pln_experiment.h plnet.h
upward experiment plnet.h
for h in common/pln_common.h graphs/pln_graph.h networks/pln_elements.h networks/pln_network.h solvers/pln_solver.h solvers/pln_states.h learning/pln_learning.h learning/pln_learner.h experiment/pln_experiment.h plnet.h; do
    if grep -nE '#include <(cholmod|igraph|yaml)' "$h"; then echo "public header $h includes a dependency"; bad=1; fi
done
[ $bad = 0 ] && echo "lint: ok"
exit $bad
