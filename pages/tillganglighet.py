"""Tillgänglighetsredogörelse: open to everyone, before and after login."""

from dashboard import auth, statement
from dashboard.config import settings

statement.show(settings(), auth.secrets())
