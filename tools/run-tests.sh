#!/bin/bash
# Run the test suites: unit, then functional (real daemons over RabbitMQ,
# SQLite and MariaDB), then integration (the real openstack and nova
# clients). Every suite runs even if an earlier one failed; the exit status
# is non-zero if any failed.
#
#   tools/run-tests.sh                 # all three
#   tools/run-tests.sh unit functional # some of them
#
# Uses $PYTHON (default: the python3 of the active virtualenv or PATH).
# Extra pytest arguments can be given in $PYTEST_ARGS.
set -u
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
SUITES=("$@")
[ ${#SUITES[@]} -eq 0 ] && SUITES=(unit functional integration)

export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore::DeprecationWarning}
status=0
for suite in "${SUITES[@]}"; do
    case "$suite" in
        unit) marker="not functional and not integration" ;;
        functional|integration) marker="$suite" ;;
        *) echo "unknown suite: $suite (unit, functional, integration)"; exit 2 ;;
    esac
    echo "=== $suite tests ==="
    # shellcheck disable=SC2086
    "$PYTHON" -m pytest -p no:cacheprovider -q -rfEs --timeout=900 \
        -m "$marker" "tests/$suite" ${PYTEST_ARGS:-}
    rc=$?
    # 5: nothing collected, which is not a failure of the code.
    if [ $rc -ne 0 ] && [ $rc -ne 5 ]; then
        echo "=== $suite tests FAILED (pytest exit $rc) ==="
        status=1
    fi
done
exit $status
