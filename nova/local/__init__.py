"""Running a whole nova control plane on one machine.

``deployment`` lays out a state directory (configuration files, SQLite
files or MariaDB databases, logs, client settings) and starts and stops the
daemons as processes; ``inprocess`` runs every service in one process over
oslo.messaging's in-process transport when no RabbitMQ answers. The
``nova-local`` command (nova.cmd.local) and the functional tests use them.
"""
