"""Alembic environment: migrations run on the connection `loaders.schema.upgrade` passes in."""

from alembic import context
from loaders.db import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through `finsam init` (loaders.schema.upgrade).")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
