"""The kinds of fact, each declared once (app.domain.kind): the registry every list of kinds
is derived from. A kind with its own module here declares there everything it is: its table,
its document, its record, its answer and its write bodies."""

from app.domain import tables
from app.domain.kind import Kind
from app.domain.kinds import (
    body,
    coverage,
    document,
    language,
    meeting,
    organisation,
    permanent_body,
    person,
    post_title,
    presidency,
    seat,
    source,
    standing,
    state,
    status_period,
    summit,
    term,
)

KINDS: tuple[Kind, ...] = (
    coverage.KIND,
    source.KIND,
    state.KIND,
    person.KIND,
    summit.KIND,
    status_period.KIND,
    term.KIND,
    presidency.KIND,
    permanent_body.KIND,
    document.KIND,
    organisation.KIND,
    language.KIND,
    standing.KIND,
    body.KIND,
    seat.KIND,
    post_title.KIND,
    meeting.KIND,
)
BY_NAME = {k.name: k for k in KINDS}

# The names under which the dataset says when it holds every fact of a kind (a status, the
# Secretary-General, ...): the snapshot's first, as the organisation on a day shows them.
SNAPSHOT_KINDS = tuple(name for k in KINDS if k.in_snapshot for name in k.covers)
COVERAGE_KINDS = (*SNAPSHOT_KINDS, *(name for k in KINDS if not k.in_snapshot for name in k.covers))

# The whole schema: the shared tables (app.domain.tables) and the tables the kinds' own
# modules declare, which exist once their modules are imported, as here.
metadata = tables.metadata


def _answer_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for kind in KINDS:
        for fld in kind.fields:
            if fld.said != fld.doc:
                said = names.setdefault(fld.doc, fld.said)
                assert said == fld.said, f"{fld.doc} is named {said} and {fld.said} in answers"
    return names


# The document fields that answers and write bodies name otherwise (`start`: `start_date`,
# `name_ru`: `names.ru`), whatever their kind.
RENAMED = _answer_names()
