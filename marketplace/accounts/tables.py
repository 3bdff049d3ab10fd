"""Accounts: people who sign in (sellers and officers), their API tokens and reset codes."""

from piccolo.columns import Boolean, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from marketplace.db import DB


class User(Table, db=DB, tablename="account_user"):
    id = Serial(primary_key=True)
    phone = Varchar(length=16, unique=True, index=True)
    display_name = Varchar(length=100)
    password_hash = Varchar(length=200)
    is_officer = Boolean(default=False)
    # An officer of one province sees that province's producers and batches; None = national.
    officer_province_code = Varchar(length=2, null=True, default=None)
    # Bumped by "log out everywhere" and password resets: sessions carry the epoch they began in.
    session_epoch = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)


class ApiToken(Table, db=DB, tablename="account_api_token"):
    id = Serial(primary_key=True)
    user = ForeignKey(references=User, null=False)
    name = Varchar(length=100)
    token_hash = Varchar(length=64, unique=True, index=True)
    prefix = Varchar(length=12)
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class ResetCode(Table, db=DB, tablename="account_reset_code"):
    id = Serial(primary_key=True)
    user = ForeignKey(references=User, null=False)
    issued_by = ForeignKey(references=User, null=False)
    code_hash = Varchar(length=64, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
