"""The placement service: resource providers, their inventories, traits
and aggregates, the allocations of consumers against them, and the
allocation candidates the scheduler chooses from.

Layers, top down: ``app`` (middleware and routing), ``handlers`` (one
module per resource: parse, validate, call the store, render), the store
modules (``providers``, ``inventories``, ``allocations``, ``candidates``,
...; SQL on the placement database) and ``db`` (models, engine, schema).
"""
