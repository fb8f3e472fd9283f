"""The request context that travels with every API request and RPC."""

from oslo_context import context as oslo_context


class RequestContext(oslo_context.RequestContext):
    """Who is asking, in which project, and which cell the data lives in.

    ``cell_uuid`` replaces upstream's in-process database handle on the
    context: services other than the conductor have no database, so the
    cell a remotable call targets must be something that serializes. The
    conductor resolves it to a cell database; ``None`` means the cell
    database of the conductor's own [database] section.
    """

    def __init__(self, user_id=None, project_id=None, is_admin=None,
                 read_deleted='no', cell_uuid=None, service_catalog=None,
                 **kwargs):
        kwargs.setdefault('user_id', user_id)
        kwargs.setdefault('project_id', project_id)
        super().__init__(is_admin=bool(is_admin), **kwargs)
        self.read_deleted = read_deleted
        self.cell_uuid = cell_uuid
        self.service_catalog = service_catalog or []

    def to_dict(self):
        values = super().to_dict()
        values.update(read_deleted=self.read_deleted,
                      cell_uuid=self.cell_uuid,
                      user_id=self.user_id,
                      project_id=self.project_id,
                      service_catalog=self.service_catalog)
        return values

    @classmethod
    def from_dict(cls, values):
        return super().from_dict(
            values,
            user_id=values.get('user_id'),
            project_id=values.get('project_id'),
            read_deleted=values.get('read_deleted', 'no'),
            cell_uuid=values.get('cell_uuid'),
            service_catalog=values.get('service_catalog'))

    def elevated(self, read_deleted=None):
        ctx = RequestContext.from_dict(self.to_dict())
        ctx.is_admin = True
        if 'admin' not in ctx.roles:
            ctx.roles = list(ctx.roles) + ['admin']
        if read_deleted is not None:
            ctx.read_deleted = read_deleted
        return ctx

    def can(self, action, target=None, fatal=True):
        """Whether policy lets this context do ``action`` on ``target``
        (a dict with the owner's project_id and user_id; the context's
        own by default). Raises PolicyNotAuthorized when ``fatal``."""
        from nova import policy
        return policy.authorize(self, action, target, fatal=fatal)

    def targeted(self, cell_uuid):
        """A copy of this context aimed at the given cell."""
        ctx = RequestContext.from_dict(self.to_dict())
        ctx.cell_uuid = cell_uuid
        return ctx


def get_admin_context(read_deleted='no'):
    return RequestContext(user_id=None, project_id=None, is_admin=True,
                          roles=['admin'], read_deleted=read_deleted,
                          overwrite=False)
