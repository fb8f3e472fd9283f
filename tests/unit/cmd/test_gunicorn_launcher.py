"""The gunicorn settings a command gets from its config group."""

from nova.cmd import gunicorn_launcher


def test_settings_come_from_the_group(conf):
    conf.config(bind_host='::1', bind_port=8778, workers=3, threads=5,
                keepalive_timeout=7, group='placement_api')
    settings = gunicorn_launcher.options('nova-placement-api',
                                         'placement_api')
    assert settings['bind'] == '[::1]:8778'
    assert (settings['workers'], settings['threads'],
            settings['keepalive']) == (3, 5, 7)
    assert settings['proc_name'] == 'nova-placement-api'
    assert 'post_fork' not in settings and 'on_exit' not in settings


def test_hooks_are_passed_and_ready_still_runs(conf):
    calls = []
    settings = gunicorn_launcher.options(
        'nova-api', 'wsgi', when_ready=calls.append,
        post_fork=lambda server, worker: None)
    assert settings['bind'].endswith(':%d' % conf.conf.wsgi.bind_port)
    settings['when_ready']('server')
    assert calls == ['server']
    assert callable(settings['post_fork'])
