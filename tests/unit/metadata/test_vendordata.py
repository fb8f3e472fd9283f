"""Vendor data: the static JSON file and the dynamic services
(nova.metadata.vendordata), the services being real HTTP servers on
loopback."""

import http.server
import json
import os
import threading

from keystoneauth1 import token_endpoint
import pytest

from nova.metadata import content
from nova.metadata import vendordata
from nova import service_auth
from tests.unit.metadata.conftest import b64
from tests.unit.metadata.conftest import make_instance


# -- StaticJSON -------------------------------------------------------------

def test_no_file_configured_gives_nothing():
    assert vendordata.StaticJSON().get() == {}


def test_the_file_is_read_and_read_again_when_it_changes(conf, tmp_path):
    path = tmp_path / 'vendor.json'
    path.write_text(json.dumps({'motd': 'one'}))
    conf.config(vendordata_jsonfile_path=str(path), group='api')
    static = vendordata.StaticJSON()
    assert static.get() == {'motd': 'one'}
    path.write_text(json.dumps({'motd': 'two', 'more': [1, 2]}))
    # Another size and time: a changed file.
    os.utime(path, ns=(10 ** 18, 10 ** 18))
    assert static.get() == {'motd': 'two', 'more': [1, 2]}
    # What a caller does with its copy stays with it.
    static.get()['motd'] = 'changed'
    assert static.get()['motd'] == 'two'


@pytest.mark.parametrize('text', [None, 'not json {', '[1, 2]'])
def test_a_missing_or_broken_file_gives_nothing_and_a_warning(
        conf, tmp_path, caplog, text):
    path = tmp_path / 'vendor.json'
    if text is not None:
        path.write_text(text)
    conf.config(vendordata_jsonfile_path=str(path), group='api')
    static = vendordata.StaticJSON()
    assert static.get() == {}
    assert str(path) in caplog.text
    # Said once, not at every request.
    caplog.clear()
    assert static.get() == {}
    assert caplog.text == ''
    # Fixed: served.
    path.write_text('{"ok": true}')
    os.utime(path, ns=(10 ** 18, 10 ** 18))
    assert static.get() == {'ok': True}


# -- DynamicJSON ------------------------------------------------------------

class VendorService:
    """An HTTP vendordata service recording what it is sent."""

    def __init__(self, status=200, answer=None):
        self.requests = []
        service = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get('Content-Length') or 0)
                service.requests.append({
                    'path': self.path, 'headers': dict(self.headers),
                    'body': json.loads(self.rfile.read(length))})
                body = json.dumps(answer if answer is not None else
                                  {'from': self.path}).encode()
                self.send_response(status)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0),
                                                      Handler)
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       args=(0.05,), daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def services():
    made = []

    def make(**kw):
        made.append(VendorService(**kw))
        return made[-1]
    service_auth.reset()
    yield make
    service_auth.reset()
    for service in made:
        service.stop()


def _closed_port_url():
    import socket
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return 'http://127.0.0.1:%d/' % sock.getsockname()[1]


def _instance():
    return make_instance(
        project_id='proj-1', image_ref='img-1', hostname='web1',
        user_data=b64('#cloud-config'), metadata={'role': 'web'},
        system_metadata={'boot_roles': 'member,reader'})


def test_each_target_is_posted_the_server_and_served_by_name(
        conf, services):
    one, two = services(), services(answer={'token': 'abc'})
    conf.config(vendordata_dynamic_targets=[
        'first@%s/one' % one.url, 'second@%s/two' % two.url], group='api')
    inst = _instance()
    data = vendordata.DynamicJSON(inst)()
    assert data == {'first': {'from': '/one'}, 'second': {'token': 'abc'}}
    sent = one.requests[0]
    assert sent['body'] == {
        'project-id': 'proj-1', 'instance-id': inst.uuid,
        'image-id': 'img-1', 'user-data': b64('#cloud-config'),
        'hostname': 'web1', 'metadata': {'role': 'web'},
        'boot-roles': 'member,reader'}
    assert sent['headers']['Content-Type'] == 'application/json'
    assert sent['headers']['User-Agent'] == vendordata.USER_AGENT
    assert 'X-Auth-Token' not in sent['headers']


def test_the_services_are_asked_once_per_metadata(conf, services):
    one = services()
    conf.config(vendordata_dynamic_targets=['first@%s/' % one.url],
                group='api')
    dynamic = vendordata.DynamicJSON(_instance())
    dynamic()
    dynamic()
    assert len(one.requests) == 1


def test_requests_carry_the_token_of_the_vendordata_user(
        conf, services, monkeypatch):
    one = services()
    conf.config(vendordata_dynamic_targets=['first@%s/' % one.url],
                group='api')
    asked = []

    def plugin(group):
        asked.append(group)
        return token_endpoint.Token(None, 'vendor-token')
    monkeypatch.setattr(service_auth, 'get_service_auth_plugin', plugin)
    vendordata.DynamicJSON(_instance())()
    assert asked == ['vendordata_dynamic_auth']
    assert one.requests[0]['headers']['X-Auth-Token'] == 'vendor-token'


def test_bad_and_repeated_target_names_are_skipped(conf, services, caplog):
    one = services()
    conf.config(vendordata_dynamic_targets=[
        'no-name-here', 'a@%s/1' % one.url, 'a@%s/2' % one.url],
        group='api')
    assert vendordata.DynamicJSON(_instance())() == {'a': {'from': '/1'}}
    assert 'no-name-here' in caplog.text
    assert 'used twice' in caplog.text


def test_a_failing_service_is_left_out(conf, services, caplog):
    good, broken = services(), services(status=500)
    conf.config(vendordata_dynamic_targets=[
        'good@%s/' % good.url, 'broken@%s/' % broken.url,
        'gone@%s' % _closed_port_url()], group='api')
    inst = _instance()
    assert vendordata.DynamicJSON(inst)() == {
        'good': {'from': '/'}, 'broken': {}, 'gone': {}}
    assert 'Dynamic vendordata service broken' in caplog.text
    assert 'Dynamic vendordata service gone' in caplog.text


def test_a_failing_service_fails_the_request_when_fatal(conf, services):
    broken = services(status=503)
    conf.config(vendordata_dynamic_targets=['broken@%s/' % broken.url],
                vendordata_dynamic_failure_fatal=True, group='api')
    dynamic = vendordata.DynamicJSON(_instance())
    with pytest.raises(vendordata.VendorDataError):
        dynamic()
    # Not remembered: asked again next time.
    with pytest.raises(vendordata.VendorDataError):
        dynamic()
    assert len(broken.requests) == 2


def test_vendor_data2_of_static_and_dynamic_providers(conf, services,
                                                      tmp_path):
    one = services(answer={'k': 'v'})
    path = tmp_path / 'vendor.json'
    path.write_text('{"motd": "hi"}')
    conf.config(vendordata_providers=['StaticJSON', 'DynamicJSON'],
                vendordata_jsonfile_path=str(path),
                vendordata_dynamic_targets=['svc@%s/' % one.url],
                group='api')
    inst = _instance()
    md = content.InstanceMetadata(
        inst, vendordata=vendordata.DynamicJSON(inst),
        static_vendordata=vendordata.StaticJSON().get())
    body, _ = md.lookup('/openstack/latest/vendor_data2.json')
    assert json.loads(body) == {'static': {'motd': 'hi'},
                                'svc': {'k': 'v'}}
    body, _ = md.lookup('/openstack/latest/vendor_data.json')
    assert json.loads(body) == {'motd': 'hi'}
