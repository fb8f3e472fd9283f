#!/usr/bin/env python3
"""Boot benchmark of the libvirt driver: the control plane's overhead.

    python tools/bench_libvirt_boot.py [-n 5] [--via file|api]
        [--uri qemu:///system] [--virt-type qemu] [--guest-dir DIR]
        [--state-dir DIR] [--keep]

Starts a deployment (processes over RabbitMQ, SQLite) with one libvirt
compute, uploads the test guest of tools/libvirt/build-test-guest.sh
through the image API (kernel aki, ramdisk ari, disk qcow2 naming them),
boots one server to warm the compute's image cache (timed apart), then
does ``-n`` rounds of:

  a. POST /servers (flavor 1 VCPU, 128 MB, 1 GB; networks none) until the
     guest prints its boot marker on the serial console, read from the
     console log file the domain writes (``--via file``, polled every
     20 ms) or through os-getConsoleOutput (``--via api``, every 200 ms);
     then the server is deleted (not timed);
  b. the same guest started with plain ``virsh create`` of an equivalent
     XML: the warm-up server's persistent definition, renamed and with
     its own copy of the instance directory (overlay on the same cached
     base image, kernel, ramdisk, an empty console log), until the marker
     appears in its console log file (polled the same way as a's with
     --via file); then ``virsh destroy`` (not timed).

Prints each round, the medians, and the difference of the medians: what
the API, conductor, scheduler, placement and compute add to a boot. The
a-rounds also show when POST /servers answered.

Needs root (or a user libvirt lets manage qemu:///system), RabbitMQ, and
libvirtd (tools/libvirt/setup.sh start).
"""

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, REPO)

from nova.local import deployment  # noqa: E402
from nova.local import layout  # noqa: E402
from nova.local import probe  # noqa: E402

MARKER = re.compile(rb'NOVA-TEST-GUEST-BOOTED [0-9a-f-]{36}')
COMMAND_LINE = 'console=ttyS0 quiet'
HOST = 'bench-lv1'
CONSOLE_LOG = 'console.log'


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class Api:
    """Just enough of a client for the compute and image APIs."""

    def __init__(self, dep):
        self.dep = dep
        self.settings = dep.settings

    def _call(self, method, url, body=None, data=None, headers=None,
              timeout=120):
        req = urllib.request.Request(url, method=method)
        req.add_header('X-Auth-Token', self.dep.admin_token())
        req.add_header('Accept', 'application/json')
        if body is not None:
            data = json.dumps(body).encode()
            req.add_header('Content-Type', 'application/json')
        for key, value in (headers or {}).items():
            req.add_header(key, value)
        try:
            with urllib.request.urlopen(req, data=data,
                                        timeout=timeout) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        return status, (json.loads(raw) if raw and raw[:1] in b'{[' else raw)

    def compute(self, method, path, body=None, expect=(200, 202, 204)):
        status, data = self._call(
            method, self.settings.compute_endpoint + path, body=body,
            headers={'OpenStack-API-Version': 'compute 2.37'})
        if status not in expect:
            raise RuntimeError('%s %s: %s %s' % (method, path, status, data))
        return data

    def upload_image(self, name, path, disk_format, container_format,
                     **properties):
        base = self.settings.image_endpoint + '/v2/images'
        status, image = self._call('POST', base, body=dict(
            properties, name=name, disk_format=disk_format,
            container_format=container_format))
        if status != 201:
            raise RuntimeError('image create: %s %s' % (status, image))
        with open(path, 'rb') as f:
            status, body = self._call(
                'PUT', '%s/%s/file' % (base, image['id']), data=f.read(),
                headers={'Content-Type': 'application/octet-stream'})
        if status != 204:
            raise RuntimeError('image upload: %s %s' % (status, body))
        return image['id']

    def server_status(self, server_id):
        status, body = self._call(
            'GET', self.settings.compute_endpoint + '/servers/' + server_id)
        if status == 404:
            return None
        return body['server']['status']

    def console(self, server_id):
        status, body = self._call(
            'POST', '%s/servers/%s/action' % (self.settings.compute_endpoint,
                                              server_id),
            body={'os-getConsoleOutput': {}})
        return body['output'].encode() if status == 200 else b''


def wait(what, predicate, timeout, interval):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError('timed out after %ss waiting for %s'
                               % (timeout, what))
        time.sleep(interval)


def marker_in_file(path):
    try:
        with open(path, 'rb') as f:
            return MARKER.search(f.read()) is not None
    except FileNotFoundError:
        return False


def virsh(uri, *args):
    result = subprocess.run(['virsh', '-c', uri] + list(args),
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError('virsh %s: %s' % (' '.join(args),
                                             result.stderr.strip()))
    return result.stdout


class Bench:

    def __init__(self, args):
        self.args = args
        self.vhost = None
        self.dep = None
        self.state_dir = args.state_dir

    # -- set-up ---------------------------------------------------------------
    def guest(self):
        d = self.args.guest_dir
        subprocess.run(['bash', os.path.join(HERE, 'libvirt',
                                             'build-test-guest.sh'), d],
                       check=True)
        return {k: os.path.join(d, f) for k, f in (
            ('kernel', 'vmlinuz'), ('ramdisk', 'initrd.img'),
            ('disk', 'disk.qcow2'))}

    def start(self):
        if not self.state_dir:
            self.state_dir = tempfile.mkdtemp(prefix='nova-bench-libvirt-',
                                              dir='/var/tmp')
        os.makedirs(self.state_dir, exist_ok=True)
        # QEMU runs as libvirt-qemu: it must reach the instance files.
        os.chmod(self.state_dir, 0o755)
        transport_url = probe.DEFAULT_RABBIT_URL
        vhost = 'nova-bench-%s' % uuid.uuid4().hex[:8]
        if probe.add_rabbit_vhost(vhost):
            self.vhost = vhost
            transport_url = transport_url.rstrip('/') + '/' + vhost
        settings = layout.Settings(
            state_dir=self.state_dir,
            db_prefix='nova_b%s' % uuid.uuid4().hex[:8],
            transport_url=transport_url, computes=(HOST,),
            api_port=free_port(), placement_port=free_port(),
            api_workers=1, report_interval=2, service_down_time=10,
            compute_driver='libvirt', libvirt_uri=self.args.uri,
            libvirt_virt_type=self.args.virt_type)
        self.dep = deployment.Deployment(settings)
        print('deployment in %s' % self.state_dir, flush=True)
        self.dep.setup()
        self.dep.start(timeout=180)
        self.api = Api(self.dep)
        guest = self.guest()
        kernel = self.api.upload_image('bench-kernel', guest['kernel'],
                                       'aki', 'aki')
        ramdisk = self.api.upload_image('bench-ramdisk', guest['ramdisk'],
                                        'ari', 'ari')
        self.image_id = self.api.upload_image(
            'bench-disk', guest['disk'], 'qcow2', 'bare', kernel_id=kernel,
            ramdisk_id=ramdisk, os_command_line=COMMAND_LINE)
        self.flavor_id = self.api.compute('POST', '/flavors', {'flavor': {
            'name': 'bench.tiny', 'vcpus': 1, 'ram': 128,
            'disk': 1}})['flavor']['id']

    def stop(self):
        if self.dep is not None:
            try:
                for server in self.api.compute(
                        'GET', '/servers?all_tenants=1')['servers']:
                    self.api.compute('DELETE', '/servers/' + server['id'])
                wait('the servers to go', lambda: not self.api.compute(
                    'GET', '/servers?all_tenants=1')['servers'], 60, 0.5)
            except Exception as exc:  # noqa: BLE001 - stop anyway
                print('could not delete the servers: %s' % exc)
            self.dep.stop(timeout=20)
            self.dep.drop_databases()
        if self.vhost:
            probe.delete_rabbit_vhost(self.vhost)
        if not self.args.keep and self.state_dir and not self.args.state_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)

    # -- a: through the control plane -----------------------------------------
    def instance_dir(self, server_id):
        return self.dep.settings.path('instances', HOST, server_id)

    def boot_via_api(self, name):
        """(seconds to the POST's answer, seconds to the marker, id)."""
        t0 = time.monotonic()
        server_id = self.api.compute('POST', '/servers', {'server': {
            'name': name, 'flavorRef': self.flavor_id,
            'imageRef': self.image_id, 'networks': 'none'}})['server']['id']
        accepted = time.monotonic() - t0
        log = os.path.join(self.instance_dir(server_id), CONSOLE_LOG)

        def booted():
            if self.args.via == 'api':
                if MARKER.search(self.api.console(server_id)):
                    return True
            elif marker_in_file(log):
                return True
            if self.api_status_error(server_id):
                raise RuntimeError('server %s went to ERROR' % server_id)
            return False
        interval = 0.2 if self.args.via == 'api' else 0.02
        self._checks = 0
        wait('the boot marker of %s' % server_id, booted, 180, interval)
        return accepted, time.monotonic() - t0, server_id

    def api_status_error(self, server_id):
        # Every 50th poll only: the file polls must not load the API.
        self._checks += 1
        if self.args.via == 'file' and self._checks % 50:
            return False
        return self.api.server_status(server_id) == 'ERROR'

    def delete(self, server_id):
        self.api.compute('DELETE', '/servers/' + server_id)
        wait('server %s to go' % server_id,
             lambda: self.api.server_status(server_id) is None, 120, 0.2)

    # -- b: plain virsh create ------------------------------------------------
    def plain_template(self, server_id):
        """The warm-up server's persistent domain XML and a copy of its
        instance dir (the server goes afterwards)."""
        src_dir = self.instance_dir(server_id)
        xml = virsh(self.args.uri, 'dumpxml', '--inactive', server_id)
        copy = os.path.join(self.state_dir, 'plain', 'template')
        os.makedirs(os.path.dirname(copy), exist_ok=True)
        os.chmod(os.path.dirname(copy), 0o755)
        # Contents only: libvirt's remembered-owner xattrs must not follow.
        shutil.copytree(src_dir, copy, copy_function=shutil.copyfile)
        return xml.replace(src_dir, copy), copy

    def boot_plain(self, template, number):
        xml, src_dir = template
        work = os.path.join(self.state_dir, 'plain', str(number))
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(src_dir, work, copy_function=shutil.copyfile)
        log = os.path.join(work, CONSOLE_LOG)
        if os.path.exists(log):
            os.unlink(log)
        root = ET.fromstring(xml.replace(src_dir, work))
        name = 'nova-bench-plain-%s' % uuid.uuid4().hex[:8]
        root.find('name').text = name
        for tag in ('uuid', 'metadata'):
            el = root.find(tag)
            if el is not None:
                root.remove(el)
        path = os.path.join(work, 'domain.xml')
        with open(path, 'wb') as f:
            f.write(ET.tostring(root))
        t0 = time.monotonic()
        virsh(self.args.uri, 'create', path)
        try:
            wait('the boot marker of %s' % name, lambda: marker_in_file(log),
                 180, 0.02)
            return time.monotonic() - t0
        finally:
            virsh(self.args.uri, 'destroy', name)
            shutil.rmtree(work, ignore_errors=True)

    # -- the run ----------------------------------------------------------------
    def run(self):
        n = self.args.runs
        print('warm-up boot (image cache filled on the compute)...',
              flush=True)
        accepted, took, warm_id = self.boot_via_api('bench-warm')
        print('  first boot: POST answered %.2fs, marker at %.2fs'
              % (accepted, took), flush=True)
        template = self.plain_template(warm_id)
        self.delete(warm_id)
        api_times, plain_times = [], []
        print('%5s  %12s  %14s  %14s' % ('round', 'POST answer',
                                         'API to marker', 'virsh to marker'))
        for i in range(1, n + 1):
            accepted, took, server_id = self.boot_via_api('bench-%d' % i)
            api_times.append(took)
            self.delete(server_id)
            plain = self.boot_plain(template, i)
            plain_times.append(plain)
            print('%5d  %11.2fs  %13.2fs  %13.2fs'
                  % (i, accepted, took, plain), flush=True)
        a, b = statistics.median(api_times), statistics.median(plain_times)
        print()
        print('marker read from: %s' % (
            'the console log file' if self.args.via == 'file' else
            'os-getConsoleOutput (polled every 0.2 s)') +
            ' (virsh create: the console log file)')
        print('median POST /servers -> boot marker : %6.2f s' % a)
        print('median virsh create  -> boot marker : %6.2f s' % b)
        print('control plane overhead (difference) : %6.2f s' % (a - b))


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('-n', '--runs', type=int, default=5)
    parser.add_argument('--via', choices=('file', 'api'), default='file',
                        help='How round a sees the marker (default: the '
                             'console log file).')
    parser.add_argument('--uri', default='qemu:///system')
    parser.add_argument('--virt-type', choices=('qemu', 'kvm'),
                        default='qemu')
    parser.add_argument('--guest-dir', default=os.path.join(
        tempfile.gettempdir(), 'nova-test-guest'))
    parser.add_argument('--state-dir',
                        help='Deployment state directory (default: a new '
                             'one under /var/tmp, removed afterwards).')
    parser.add_argument('--keep', action='store_true',
                        help='Keep the state directory.')
    args = parser.parse_args(argv)
    if not probe.rabbit_answers(probe.DEFAULT_RABBIT_URL):
        print('RabbitMQ does not answer at %s' % probe.DEFAULT_RABBIT_URL)
        return 1
    bench = Bench(args)
    try:
        bench.start()
        bench.run()
    except (deployment.DeploymentError, RuntimeError) as exc:
        print('ERROR: %s' % exc)
        return 1
    finally:
        bench.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
