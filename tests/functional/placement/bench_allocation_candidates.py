"""Benchmark of GET /allocation_candidates on a large placement database.

    python tests/functional/placement/bench_allocation_candidates.py \
        [--db sqlite|mysql] [--providers 10000] [--runs 21]

Fills a fresh database with N compute-node providers (VCPU, MEMORY_MB and
DISK_GB inventory, a consumer's allocation on every other one, the
HW_CPU_X86_AVX2 trait on half of them), then times a few candidate queries
in-process through the WSGI app (webob requests) and prints the medians.
MariaDB: root@127.0.0.1:3306, database placement_helper_bench (created,
then dropped at the end). Not collected by pytest (no test_ prefix).
"""

import argparse
import json
import statistics
import tempfile
import time
import uuid

import sqlalchemy as sa
import webob

import nova.conf
from nova.placement import app as placement_app
from nova.placement.db import migration
from nova.placement.db import models
from nova.placement import names

CONF = nova.conf.CONF
MYSQL_SERVER = 'mysql+pymysql://root@127.0.0.1:3306'
MYSQL_DB = 'placement_helper_bench'

QUERIES = (
    '/allocation_candidates?resources=VCPU:1,MEMORY_MB:512,DISK_GB:1'
    '&limit=1000',
    '/allocation_candidates?resources=VCPU:1,MEMORY_MB:512,DISK_GB:1'
    '&required=HW_CPU_X86_AVX2&limit=1000',
    '/allocation_candidates?resources=VCPU:1,MEMORY_MB:512,DISK_GB:1'
    '&required=!HW_CPU_X86_AVX2&limit=1000',
    '/allocation_candidates?resources=VCPU:1,MEMORY_MB:512,DISK_GB:1',
)


def database_url(kind):
    if kind == 'sqlite':
        return 'sqlite:///%s/placement.sqlite' % tempfile.mkdtemp()
    engine = sa.create_engine(MYSQL_SERVER)
    with engine.begin() as conn:
        conn.exec_driver_sql('DROP DATABASE IF EXISTS %s' % MYSQL_DB)
        conn.exec_driver_sql('CREATE DATABASE %s CHARACTER SET utf8mb4'
                             % MYSQL_DB)
    engine.dispose()
    return '%s/%s?charset=utf8mb4' % (MYSQL_SERVER, MYSQL_DB)


def populate(url, count):
    migration.db_sync(url)
    engine = sa.create_engine(url)
    now = models.base.utcnow()
    with engine.begin() as conn:
        rc = {name: i for i, name in enumerate(names.STANDARD_RCS)}
        avx2 = conn.execute(sa.select(models.TRAIT.c.id).where(
            models.TRAIT.c.name == 'HW_CPU_X86_AVX2')).scalar()
        conn.execute(models.PROJECT.insert().values(id=1, external_id='p'))
        conn.execute(models.USER.insert().values(id=1, external_id='u'))
        rps, invs, allocs, consumers, traits = [], [], [], [], []
        for i in range(1, count + 1):
            rps.append({'id': i, 'uuid': str(uuid.uuid4()),
                        'name': 'node%05d' % i, 'generation': 1,
                        'root_provider_id': i, 'created_at': now})
            for name, total in (('VCPU', 64), ('MEMORY_MB', 262144),
                                ('DISK_GB', 2000)):
                invs.append({'resource_provider_id': i,
                             'resource_class_id': rc[name], 'total': total,
                             'reserved': 0, 'min_unit': 1,
                             'max_unit': total, 'step_size': 1,
                             'allocation_ratio': 1.0, 'created_at': now})
            if i % 2 == 0:
                consumer = str(uuid.uuid4())
                consumers.append({'uuid': consumer, 'project_id': 1,
                                  'user_id': 1, 'generation': 1,
                                  'created_at': now})
                for name, used in (('VCPU', 4), ('MEMORY_MB', 8192),
                                   ('DISK_GB', 40)):
                    allocs.append({'resource_provider_id': i,
                                   'consumer_id': consumer,
                                   'resource_class_id': rc[name],
                                   'used': used, 'created_at': now})
            if i % 2 == 1:
                traits.append({'resource_provider_id': i, 'trait_id': avx2,
                               'created_at': now})
        for table, rows in ((models.RP, rps), (models.INV, invs),
                            (models.CONSUMER, consumers),
                            (models.ALLOC, allocs),
                            (models.RP_TRAIT, traits)):
            for start in range(0, len(rows), 5000):
                conn.execute(table.insert(), rows[start:start + 5000])
    engine.dispose()


def run(app, path, runs, warmup=2):
    times = []
    body = None
    for i in range(runs + warmup):
        req = webob.Request.blank(path)
        req.headers['X-Auth-Token'] = 'admin'
        req.headers['OpenStack-API-Version'] = 'placement 1.39'
        start = time.perf_counter()
        resp = req.get_response(app)
        if i >= warmup:
            times.append((time.perf_counter() - start) * 1000)
        assert resp.status_int == 200, resp.body
        body = resp.body
    data = json.loads(body)
    return statistics.median(times), len(data['allocation_requests'])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--db', choices=('sqlite', 'mysql'),
                        default='sqlite')
    parser.add_argument('--providers', type=int, default=10000)
    parser.add_argument('--runs', type=int, default=21)
    args = parser.parse_args()
    CONF([], project='nova', default_config_files=[])
    url = database_url(args.db)
    start = time.perf_counter()
    populate(url, args.providers)
    print('%s: %d providers loaded in %.1fs' % (
        args.db, args.providers, time.perf_counter() - start))
    app = placement_app.build(CONF, url)
    for path in QUERIES:
        median, count = run(app, path, args.runs)
        print('%8.1f ms median  %5d candidates  %s' % (median, count, path))
    if args.db == 'mysql':
        from nova.placement.db import session
        session.dispose_all()
        engine = sa.create_engine(MYSQL_SERVER)
        with engine.begin() as conn:
            conn.exec_driver_sql('DROP DATABASE %s' % MYSQL_DB)
        engine.dispose()


if __name__ == '__main__':
    main()
