"""What the policy tests share: personas as identity headers, a client
of the API application that sends them, and the 403 a rule gives.

Callers are built from identity headers (user, project, roles) by the
context middleware that serves Keystone deployments, without a token to
validate, so every persona can be expressed: reader, member and manager
of project "alpha", a member of project "beta", an administrator.
"""

import json

import webob

from nova import policy

READER = ('alpha-reader', 'alpha', 'reader')
MEMBER = ('alpha-member', 'alpha', 'member,reader')
MANAGER = ('alpha-manager', 'alpha', 'manager,member,reader')
OTHER = ('beta-member', 'beta', 'member,reader')
ADMIN = ('cloud-admin', 'admin', 'admin,manager,member,reader')


class Client:
    """Requests to the API app as a persona (user, project, roles)."""

    def __init__(self, app):
        self.app = app

    def __call__(self, who, method, path, body=None, version=None):
        user, project, roles = who
        req = webob.Request.blank('/v2.1' + path, method=method)
        req.headers['X-User-Id'] = user
        req.headers['X-Project-Id'] = project
        req.headers['X-Roles'] = roles
        if version:
            req.headers['OpenStack-API-Version'] = 'compute %s' % version
        if body is not None:
            req.body = json.dumps(body).encode()
            req.content_type = 'application/json'
        resp = req.get_response(self.app)
        resp.data = (json.loads(resp.body) if resp.body and
                     resp.content_type == 'application/json' else None)
        return resp


def override(conf, tmp_path, rules):
    """Rules of a policy.yaml in tmp_path replace the defaults."""
    path = tmp_path / 'policy.yaml'
    path.write_text(''.join('"%s": "%s"\n' % item for item in rules.items()))
    conf.config(policy_file=str(path), group='oslo_policy')
    policy.reset()


def assert_forbidden(resp, rule):
    assert resp.status_int == 403, (resp.status, resp.text)
    assert resp.data == {'forbidden': {
        'code': 403,
        'message': "Policy doesn't allow %s to be performed." % rule}}
