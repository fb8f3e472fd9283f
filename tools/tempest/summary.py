"""Summary of a Tempest run from its subunit stream.

    summary.py [--known KNOWN_FAILURES.txt] RESULTS.subunit SUMMARY.txt

Writes the counts (passed, failed, skipped), the failing test ids with
the first line of their reason, and the skip reasons grouped, and prints
the counts as the last line ("tempest: N passed, N failed, N skipped").

With --known, a file of test ids (dotted names without Tempest's
"[id-...]" tail, or "setUpClass (tempest....Class)"), one a line, each
may be followed by "# reason"; blank lines and lines starting with "#"
are ignored. The failures not on that list are printed (and marked
"NEW" in the summary) and the exit status is 1 when there is one, or
when the stream has no test at all; 0 otherwise. Known failures that
passed are printed as a hint to shorten the list.
Runs with the Python of the Tempest virtualenv (python-subunit,
testtools).
"""

import collections
import sys

try:
    from testtools import StreamResult
except ImportError:     # the unit tests load this without testtools
    StreamResult = object


class Collector(StreamResult):
    def __init__(self):
        super().__init__()
        self.results = {}
        self.details = collections.defaultdict(str)

    def status(self, test_id=None, test_status=None, file_name=None,
               file_bytes=None, **kwargs):
        if test_id is None:
            return
        if file_bytes and file_name in ('traceback', 'reason'):
            self.details[test_id] += file_bytes.tobytes().decode(
                'utf-8', 'replace')
        if test_status in ('success', 'fail', 'skip', 'xfail', 'uxsuccess'):
            self.results[test_id] = test_status


def _short(test_id):
    # Tempest ids end with "[id-...,tags]"; keep the dotted name.
    return test_id.split('[', 1)[0]


def _reason(text):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else '?'


def summarize(stream_path):
    import subunit
    collector = Collector()
    with open(stream_path, 'rb') as f:
        case = subunit.ByteStreamToStreamResult(f, non_subunit_name='stdout')
        case.run(collector)
    results = collector.results
    # Class-level fixtures (setUpClass) report under the class id.
    passed = sorted(t for t, s in results.items() if s in ('success',
                                                            'xfail'))
    failed = sorted(t for t, s in results.items() if s in ('fail',
                                                            'uxsuccess'))
    skipped = sorted(t for t, s in results.items() if s == 'skip')
    return passed, failed, skipped, collector.details


def read_known(path):
    """{test id: reason} of a known-failures file."""
    known = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            test, _sep, reason = line.partition('#')
            known[_short(test.strip())] = reason.strip()
    return known


def write(path, passed, failed, skipped, details, known=None):
    skip_reasons = collections.Counter(
        _reason(details.get(t, '')) for t in skipped)
    lines = ['tempest: %d passed, %d failed, %d skipped'
             % (len(passed), len(failed), len(skipped)), '',
             'FAILED (%d):' % len(failed)]
    for test in failed:
        new = known is not None and _short(test) not in known
        lines.append('  %s%s' % (_short(test), '   NEW' if new else ''))
        lines.append('      %s' % _reason(details.get(test, ''))[:300])
    lines += ['', 'SKIP REASONS:']
    for reason, count in skip_reasons.most_common():
        lines.append('  %4d  %s' % (count, reason[:200]))
    lines += ['', 'PASSED (%d):' % len(passed)]
    lines += ['  %s' % _short(t) for t in passed]
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def main(argv):
    known = None
    if len(argv) == 5 and argv[1] == '--known':
        known = read_known(argv[2])
        argv = argv[:1] + argv[3:]
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    passed, failed, skipped, details = summarize(argv[1])
    write(argv[2], passed, failed, skipped, details, known)
    print('tempest: %d passed, %d failed, %d skipped'
          % (len(passed), len(failed), len(skipped)))
    if known is None:
        return 0
    new = [_short(t) for t in failed if _short(t) not in known]
    fixed = sorted(set(_short(t) for t in passed) & set(known))
    if fixed:
        print('known failures that passed (%d), drop them from the list:'
              % len(fixed))
        for test in fixed:
            print('  %s' % test)
    if new:
        print('FAILED and not in the known failures (%d):' % len(new))
        for test in new:
            print('  %s' % test)
            print('      %s' % _reason(details.get(
                [t for t in failed if _short(t) == test][0], ''))[:300])
        return 1
    if not (passed or failed or skipped):
        print('no test results')
        return 1
    print('every failure (%d) is a known one' % len(failed))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
