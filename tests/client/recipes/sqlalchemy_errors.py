"""schemareg's 23514 as field errors in SQLAlchemy (1.4 and 2.0, psycopg2)."""
import json

from sqlalchemy import Column, Integer, Text, create_engine
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Reading(Base):
    __tablename__ = "readings"  # bound: schemareg.attach('readings', 'doc', 'schema_ref')
    id = Column(Integer, primary_key=True)
    doc = Column(JSONB, nullable=False)
    schema_ref = Column(Text, nullable=False)


class FieldErrors(Exception):
    """{column: [{"path", "schema_path", "keyword", "message"}, ...]}"""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def make_engine(url):
    # Every connection asks for the JSON detail: a list that json.loads reads back.
    return create_engine(url, connect_args={"options": "-c schemareg.error_format=json"})


def field_errors(exc):
    """The record errors of a schemareg 23514 by column, or None for any other error."""
    diag = getattr(exc.orig, "diag", None)
    if getattr(exc.orig, "pgcode", None) != "23514" or diag.constraint_name != "~schemareg_validate":
        return None
    return {diag.column_name: json.loads(diag.message_detail)}


def save(session, obj):
    """Adds and commits obj; a record its schema refuses raises FieldErrors."""
    try:
        session.add(obj)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        errors = field_errors(exc)
        if errors is None:
            raise
        raise FieldErrors(errors) from exc
