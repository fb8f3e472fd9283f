"""Summary of a Tempest run from its subunit stream.

    summary.py RESULTS.subunit SUMMARY.txt

Writes the counts (passed, failed, skipped), the failing test ids with
the first line of their reason, and the skip reasons grouped, and prints
the counts as the last line ("tempest: N passed, N failed, N skipped").
Runs with the Python of the Tempest virtualenv (python-subunit,
testtools).
"""

import collections
import sys

import subunit
import testtools


class Collector(testtools.StreamResult):
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


def write(path, passed, failed, skipped, details):
    skip_reasons = collections.Counter(
        _reason(details.get(t, '')) for t in skipped)
    lines = ['tempest: %d passed, %d failed, %d skipped'
             % (len(passed), len(failed), len(skipped)), '',
             'FAILED (%d):' % len(failed)]
    for test in failed:
        lines.append('  %s' % _short(test))
        lines.append('      %s' % _reason(details.get(test, ''))[:300])
    lines += ['', 'SKIP REASONS:']
    for reason, count in skip_reasons.most_common():
        lines.append('  %4d  %s' % (count, reason[:200]))
    lines += ['', 'PASSED (%d):' % len(passed)]
    lines += ['  %s' % _short(t) for t in passed]
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    passed, failed, skipped, details = summarize(argv[1])
    write(argv[2], passed, failed, skipped, details)
    print('tempest: %d passed, %d failed, %d skipped'
          % (len(passed), len(failed), len(skipped)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
