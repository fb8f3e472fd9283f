#!/bin/bash
# Run the test suites: unit, then functional (real daemons over RabbitMQ,
# SQLite and MariaDB) and integration (the real openstack and nova
# clients). Every suite runs even if an earlier one failed; the exit status
# is non-zero if any failed.
#
#   tools/run-tests.sh                 # all three
#   tools/run-tests.sh unit functional # some of them
#
# Functional and integration tests mostly wait on their deployments' RPC
# and HTTP round trips, so when both are asked for they run side by side
# (each in its own pytest process, output shown when it ends); set
# NOVA_TEST_SERIAL=1 to run them one after the other.
#
# Uses $PYTHON (default: the python3 of the active virtualenv or PATH).
# Extra pytest arguments can be given in $PYTEST_ARGS.
set -u
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
SUITES=("$@")
[ ${#SUITES[@]} -eq 0 ] && SUITES=(unit functional integration)

export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore::DeprecationWarning}

marker_of() {
    case "$1" in
        unit) echo "not functional and not integration" ;;
        functional|integration) echo "$1" ;;
        *) return 1 ;;
    esac
}

for suite in "${SUITES[@]}"; do
    if ! marker_of "$suite" >/dev/null; then
        echo "unknown suite: $suite (unit, functional, integration)"
        exit 2
    fi
done

# Runs one suite; its exit status is 0 when it passed (or had no tests).
run_suite() {
    local suite=$1 rc
    # shellcheck disable=SC2086
    "$PYTHON" -m pytest -p no:cacheprovider -q -rfEs --timeout=900 \
        -m "$(marker_of "$suite")" "tests/$suite" ${PYTEST_ARGS:-}
    rc=$?
    # 5: nothing collected, which is not a failure of the code.
    if [ $rc -ne 0 ] && [ $rc -ne 5 ]; then
        echo "=== $suite tests FAILED (pytest exit $rc) ==="
        return 1
    fi
    return 0
}

status=0
serial=()
parallel=()
for suite in "${SUITES[@]}"; do
    if [ "$suite" != unit ] && [ -z "${NOVA_TEST_SERIAL:-}" ]; then
        parallel+=("$suite")
    else
        serial+=("$suite")
    fi
done
# Only one suite left to run beside nothing: no point in a side process.
if [ ${#parallel[@]} -eq 1 ]; then
    serial+=("${parallel[@]}")
    parallel=()
fi

for suite in "${serial[@]}"; do
    echo "=== $suite tests ==="
    run_suite "$suite" || status=1
done

if [ ${#parallel[@]} -gt 0 ]; then
    logs=$(mktemp -d)
    declare -A pids
    for suite in "${parallel[@]}"; do
        echo "=== $suite tests (started beside the others) ==="
        run_suite "$suite" >"$logs/$suite.log" 2>&1 &
        pids[$suite]=$!
    done
    for suite in "${parallel[@]}"; do
        wait "${pids[$suite]}" || status=1
        echo "=== $suite tests ==="
        cat "$logs/$suite.log"
    done
    rm -rf "$logs"
fi
exit $status
