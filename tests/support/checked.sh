#!/bin/sh
# Run one test program, passing its stdout (TAP) through, and fail it when a sanitizer spoke:
# Criterion 2.4.1 does not fail a test whose teardown found a leak, and LeakSanitizer's reports
# from Criterion's worker processes would otherwise go unseen.
err=$(mktemp "${TMPDIR:-/tmp}/plnet-test-stderr.XXXXXX") || exit 99
"$@" 2>"$err"
rc=$?
cat "$err" >&2
if grep -q -e "ERROR: LeakSanitizer" -e "runtime error:" -e "ERROR: AddressSanitizer" "$err"; then
    echo "checked.sh: a sanitizer reported an error (see stderr)" >&2
    rm -f "$err"
    [ "$rc" -ne 0 ] && exit "$rc"
    exit 1
fi
rm -f "$err"
exit "$rc"
