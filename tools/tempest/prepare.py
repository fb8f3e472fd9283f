"""Images and flavors Tempest needs, in a running nova-local deployment.

Runs with the Python that has nova installed::

    prepare.py STATE_DIR PARAMS.json

Imports two small images into the deployment's local image source
(``nova-manage image import``, public, fixed ids) and creates two flavors
through the compute API (as the deployment's administrator), unless they
exist. Adds image_ref, image_ref_alt, flavor_ref, flavor_ref_alt and
the API's microversion range to PARAMS.json. With ``neutron_url`` in
PARAMS, also the id of Neutron's external network (``floating_network_name``,
default ``public``) and the aliases of its API extensions, read as the
Keystone admin of PARAMS (``auth_url``, ``admin_password``).
"""

import json
import os
import sys

from nova.local import deployment

IMAGES = (
    ('image_ref', '7d3c6a1e-0b5f-4f0c-9a6e-1c2d3e4f5a60', 'cirros-fake'),
    ('image_ref_alt', '7d3c6a1e-0b5f-4f0c-9a6e-1c2d3e4f5a61',
     'cirros-fake-alt'),
)
# (param, id, name, ram MB, vcpus, disk GB) as devstack's m1.nano/micro.
FLAVORS = (
    ('flavor_ref', '42', 'm1.nano', 128, 1, 1),
    ('flavor_ref_alt', '84', 'm1.micro', 192, 1, 1),
)


def ensure_images(dep, params):
    listed = dep.manage('image', 'list').stdout
    path = dep.settings.path('tempest-image.img')
    with open(path, 'wb') as f:
        f.write(b'fake guest disk\n' * 64)
    for key, image_id, name in IMAGES:
        if image_id not in listed:
            dep.manage('image', 'import', path, '--name', name,
                       '--disk-format', 'raw', '--id', image_id,
                       '--public')
        params[key] = image_id


def ensure_flavors(dep, params):
    for key, flavor_id, name, ram, vcpus, disk in FLAVORS:
        status, _body = dep.api_request('GET', '/flavors/%s' % flavor_id)
        if status == 404:
            status, body = dep.api_request('POST', '/flavors', {'flavor': {
                'id': flavor_id, 'name': name, 'ram': ram, 'vcpus': vcpus,
                'disk': disk}})
            if status != 200:
                raise RuntimeError('creating flavor %s: %s %s'
                                   % (name, status, body))
        elif status != 200:
            raise RuntimeError('GET /flavors/%s: %s' % (flavor_id, status))
        params[key] = flavor_id


def neutron_params(params):
    from keystoneauth1.identity import v3
    from keystoneauth1 import session as ks_session
    auth = v3.Password(auth_url=params['auth_url'], username='admin',
                       password=params['admin_password'],
                       project_name='admin', user_domain_id='default',
                       project_domain_id='default')
    sess = ks_session.Session(auth=auth)
    url = params['neutron_url'].rstrip('/') + '/v2.0'
    name = params.setdefault('floating_network_name', 'public')
    nets = sess.get(url + '/networks', params={
        'name': name, 'router:external': True}).json()['networks']
    if len(nets) != 1:
        raise RuntimeError('Neutron at %s has %d external networks named '
                           '%s' % (params['neutron_url'], len(nets), name))
    params['public_network_id'] = nets[0]['id']
    params['network_extensions'] = sorted(
        ext['alias'] for ext in sess.get(url + '/extensions').json()[
            'extensions'])


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    dep = deployment.Deployment.load(os.path.abspath(argv[1]))
    with open(argv[2]) as f:
        params = json.load(f)
    ensure_images(dep, params)
    ensure_flavors(dep, params)
    if params.get('neutron_url'):
        neutron_params(params)
    from nova.api import microversions
    params['min_microversion'] = microversions.MIN_VERSION
    params['max_microversion'] = microversions.MAX_VERSION
    with open(argv[2], 'w') as f:
        json.dump(params, f, indent=2, sort_keys=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
