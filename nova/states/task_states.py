"""The operation in flight on an instance (``Instance.task_state``).

None means no operation is running. The compute API sets a task_state when
it accepts an action and the compute host moves it along (or clears it) as
the work advances; ``Instance.save(expected_task_state=...)`` uses these
values to detect two actions racing on the same instance. The string values
are stored and shown by the API (OS-EXT-STS:task_state), so they never
change.
"""

# Building.
SCHEDULING = 'scheduling'
BLOCK_DEVICE_MAPPING = 'block_device_mapping'
NETWORKING = 'networking'
SPAWNING = 'spawning'

# Snapshots and backups.
IMAGE_SNAPSHOT = 'image_snapshot'
IMAGE_SNAPSHOT_PENDING = 'image_snapshot_pending'
IMAGE_PENDING_UPLOAD = 'image_pending_upload'
IMAGE_UPLOADING = 'image_uploading'
IMAGE_BACKUP = 'image_backup'

# Admin password.
UPDATING_PASSWORD = 'updating_password'

# Resize and cold migration.
RESIZE_PREP = 'resize_prep'
RESIZE_MIGRATING = 'resize_migrating'
RESIZE_MIGRATED = 'resize_migrated'
RESIZE_FINISH = 'resize_finish'
RESIZE_REVERTING = 'resize_reverting'
RESIZE_CONFIRMING = 'resize_confirming'

# Reboots: REBOOTING is set by the API, the *_PENDING state when the compute
# host got the request, the *_STARTED state when the hypervisor was asked.
REBOOTING = 'rebooting'
REBOOT_PENDING = 'reboot_pending'
REBOOT_STARTED = 'reboot_started'
REBOOTING_HARD = 'rebooting_hard'
REBOOT_PENDING_HARD = 'reboot_pending_hard'
REBOOT_STARTED_HARD = 'reboot_started_hard'

# Power and guest life cycle.
PAUSING = 'pausing'
UNPAUSING = 'unpausing'
SUSPENDING = 'suspending'
RESUMING = 'resuming'
POWERING_OFF = 'powering-off'
POWERING_ON = 'powering-on'

# Rescue.
RESCUING = 'rescuing'
UNRESCUING = 'unrescuing'

# Rebuild.
REBUILDING = 'rebuilding'
REBUILD_BLOCK_DEVICE_MAPPING = 'rebuild_block_device_mapping'
REBUILD_SPAWNING = 'rebuild_spawning'

# Live migration.
MIGRATING = 'migrating'

# Deletion and restore.
DELETING = 'deleting'
SOFT_DELETING = 'soft-deleting'
RESTORING = 'restoring'

# Shelving.
SHELVING = 'shelving'
SHELVING_IMAGE_PENDING_UPLOAD = 'shelving_image_pending_upload'
SHELVING_IMAGE_UPLOADING = 'shelving_image_uploading'
SHELVING_OFFLOADING = 'shelving_offloading'
UNSHELVING = 'unshelving'

ALL = (
    SCHEDULING, BLOCK_DEVICE_MAPPING, NETWORKING, SPAWNING,
    IMAGE_SNAPSHOT, IMAGE_SNAPSHOT_PENDING, IMAGE_PENDING_UPLOAD,
    IMAGE_UPLOADING, IMAGE_BACKUP,
    UPDATING_PASSWORD,
    RESIZE_PREP, RESIZE_MIGRATING, RESIZE_MIGRATED, RESIZE_FINISH,
    RESIZE_REVERTING, RESIZE_CONFIRMING,
    REBOOTING, REBOOT_PENDING, REBOOT_STARTED,
    REBOOTING_HARD, REBOOT_PENDING_HARD, REBOOT_STARTED_HARD,
    PAUSING, UNPAUSING, SUSPENDING, RESUMING, POWERING_OFF, POWERING_ON,
    RESCUING, UNRESCUING,
    REBUILDING, REBUILD_BLOCK_DEVICE_MAPPING, REBUILD_SPAWNING,
    MIGRATING,
    DELETING, SOFT_DELETING, RESTORING,
    SHELVING, SHELVING_IMAGE_PENDING_UPLOAD, SHELVING_IMAGE_UPLOADING,
    SHELVING_OFFLOADING, UNSHELVING,
)

# Task states during which a new reboot request may still be accepted
# (a hard reboot can cut through these; None is "nothing running").
SOFT_REBOOT_TASKS = (REBOOTING, REBOOT_PENDING, REBOOT_STARTED)
HARD_REBOOT_TASKS = (REBOOTING_HARD, REBOOT_PENDING_HARD, REBOOT_STARTED_HARD)
ALLOW_REBOOT = (None, REBOOTING, REBOOT_PENDING, REBOOT_STARTED, RESUMING,
                REBOOTING_HARD, UNPAUSING, PAUSING, SUSPENDING)
