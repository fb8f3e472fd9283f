#!/bin/bash
# Run the test suites: unit, then functional (real daemons over RabbitMQ,
# SQLite and MariaDB), integration (the real openstack and nova clients),
# keystone (isolation, role rules and the clients with real Keystone
# tokens), libvirt (real guests under QEMU through the whole control
# plane, tests/functional/libvirt) and neutron (servers on a real
# Neutron's networks, tests/neutron). Every suite runs even if an earlier one
# failed; the exit status is non-zero if any failed.
#
#   tools/run-tests.sh                 # all six
#   tools/run-tests.sh unit functional # some of them
#
# The keystone suite needs a Keystone: NOVA_TEST_KEYSTONE_URL and
# NOVA_TEST_KEYSTONE_ADMIN_PASSWORD (tools/keystone/setup.sh start; env),
# else one it starts from tools/keystone/ when installed, else it skips
# (fails with NOVA_TEST_REQUIRE_KEYSTONE=1, as in CI).
#
# The libvirt suite needs libvirtd with QEMU (tools/libvirt/setup.sh start)
# and libvirt-python (the libvirt extra); it skips without them (fails with
# NOVA_TEST_REQUIRE_LIBVIRT=1, as in CI).
#
# The tempest suite (tools/tempest/run.sh, not among the defaults: it
# takes ~15 min) runs Tempest's compute API tests against a deployment with
# that Neutron, and fails as the neutron suite does without one.
#
# The neutron suite needs a Neutron behind that Keystone:
# NOVA_TEST_NEUTRON_URL and the rest of `tools/neutron/setup.sh env`; it
# skips without one (fails with NOVA_TEST_REQUIRE_NEUTRON=1, as in CI).
#
# Functional, integration and keystone tests mostly wait on their
# deployments' RPC and HTTP round trips, so when several are asked for
# they run side by side, $NOVA_TEST_JOBS (2) at a time, each in its own
# pytest process, its output shown when it ends; set NOVA_TEST_SERIAL=1
# to run them one after the other.
#
# Uses $PYTHON (default: the python3 of the active virtualenv or PATH).
# Extra pytest arguments can be given in $PYTEST_ARGS.
set -u
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
JOBS=${NOVA_TEST_JOBS:-2}
SUITES=("$@")
[ ${#SUITES[@]} -eq 0 ] && SUITES=(unit functional integration keystone libvirt neutron)

export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore::DeprecationWarning}

# The -m expression of a suite (empty: every test of its directory).
marker_of() {
    case "$1" in
        unit) echo "not functional and not integration" ;;
        # tests/functional/libvirt is the libvirt suite's.
        functional) echo "functional and not libvirt" ;;
        integration|libvirt) echo "$1" ;;
        keystone|neutron|tempest) echo "" ;;
        *) return 1 ;;
    esac
}

# The directory of a suite's tests.
dir_of() {
    case "$1" in
        libvirt) echo tests/functional/libvirt ;;
        *) echo "tests/$1" ;;
    esac
}

for suite in "${SUITES[@]}"; do
    if ! marker_of "$suite" >/dev/null; then
        echo "unknown suite: $suite (unit, functional, integration, keystone, libvirt)"
        exit 2
    fi
done

# Tempest's tempest.api.compute against a deployment with the Neutron of
# the neutron suite (tools/tempest/run.sh in its Neutron mode); fails when
# a test fails that tools/tempest/known-failures.txt does not list.
run_tempest() {
    if [ -z "${NOVA_TEST_NEUTRON_URL:-}" ] || [ -z "${NOVA_TEST_KEYSTONE_URL:-}" ]; then
        if [ "${NOVA_TEST_REQUIRE_NEUTRON:-}" = 1 ]; then
            echo "=== tempest: no Neutron or Keystone (NOVA_TEST_NEUTRON_URL, NOVA_TEST_KEYSTONE_URL) ==="
            return 1
        fi
        echo "=== tempest skipped: no Neutron or Keystone ==="
        return 0
    fi
    local rc
    NOVA_PYTHON=$PYTHON \
    TEMPEST_NEUTRON_URL=$NOVA_TEST_NEUTRON_URL \
    TEMPEST_KEYSTONE_URL=$NOVA_TEST_KEYSTONE_URL \
    TEMPEST_KEYSTONE_ADMIN_PASSWORD=${NOVA_TEST_KEYSTONE_ADMIN_PASSWORD:-} \
    TEMPEST_NEUTRON_FAKE_VIF_DIR=${NEUTRON_FAKE_VIF_DIR:-} \
    TEMPEST_NEUTRON_METADATA_SECRET=${NEUTRON_METADATA_SECRET:-} \
    TEMPEST_NOVA_PASSWORD=${NEUTRON_NOVA_PASSWORD:-nova-secret} \
        tools/tempest/run.sh
    rc=$?
    [ -f .tempest-state/summary.txt ] && head -20 .tempest-state/summary.txt
    if [ $rc -ne 0 ]; then
        echo "=== tempest FAILED (run.sh exit $rc; logs in .tempest-state/log) ==="
        return 1
    fi
    return 0
}

# Runs one suite; its exit status is 0 when it passed (or had no tests).
run_suite() {
    local suite=$1 rc marker
    if [ "$suite" = tempest ]; then
        run_tempest
        return
    fi
    marker=$(marker_of "$suite")
    local args=(-p no:cacheprovider -q -rfEs --timeout=900)
    [ -n "$marker" ] && args+=(-m "$marker")
    # shellcheck disable=SC2086
    "$PYTHON" -m pytest "${args[@]}" "$(dir_of "$suite")" ${PYTEST_ARGS:-}
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
    declare -A pids=() started=()
    queue=("${parallel[@]}")
    while [ ${#queue[@]} -gt 0 ] || [ ${#pids[@]} -gt 0 ]; do
        while [ ${#queue[@]} -gt 0 ] && [ ${#pids[@]} -lt "$JOBS" ]; do
            suite=${queue[0]}
            queue=("${queue[@]:1}")
            echo "=== $suite tests (started beside the others) ==="
            run_suite "$suite" >"$logs/$suite.log" 2>&1 &
            pids[$suite]=$!
            started[$suite]=$SECONDS
        done
        for suite in "${!pids[@]}"; do
            if ! kill -0 "${pids[$suite]}" 2>/dev/null; then
                wait "${pids[$suite]}" || status=1
                echo "=== $suite tests ($((SECONDS - started[$suite]))s) ==="
                cat "$logs/$suite.log"
                unset "pids[$suite]"
            fi
        done
        [ ${#pids[@]} -gt 0 ] && sleep 1
    done
    rm -rf "$logs"
fi
exit $status
