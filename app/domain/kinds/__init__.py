"""The kinds of fact, each declared once (app.domain.kind): the registry every list of kinds
is derived from. A kind with its own module here declares there everything it is: its table,
its document, its record, its answer and its write bodies."""

from app.domain import documents as f
from app.domain import tables
from app.domain.fields import ExactDay, Plain
from app.domain.kind import Kind, id_key
from app.domain.kinds import person, presidency, source, state, status_period, summit, term
from app.domain.records import BodyRec, CoverageRec
from app.domain.tables import Coverage, PermanentBody


class CoverageDoc(f.CoverageIn):
    id: str


KINDS: tuple[Kind, ...] = (
    Kind(
        name="coverage",
        path="/v1",
        plural="coverage",
        table=Coverage,
        model=CoverageDoc,
        record=CoverageRec,
        description="the days on which the dataset holds every fact of one kind",
        natural_key=id_key,
        fields=(ExactDay("since"), ExactDay("until")),
        cited=False,
    ),
    source.KIND,
    state.KIND,
    person.KIND,
    summit.KIND,
    status_period.KIND,
    term.KIND,
    presidency.KIND,
    Kind(
        name="permanent_body",
        held="bodies",
        plural="permanent_bodies",
        table=PermanentBody,
        model=f.BodyIn,
        record=BodyRec,
        description="a permanent body of the organisation and its seat",
        references=(("seat_state", "state"),),
        natural_key=id_key,
        fields=(
            Plain("name"),
            Plain("seat_city"),
            Plain("seat_state", "seat_state_iso3"),
            Plain("note"),
        ),
        describe=lambda ds, b: f"{b.name}, seated in {b.seat_city}",
    ),
)
BY_NAME = {k.name: k for k in KINDS}

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


# --- The whole dataset as documents -------------------------------------------------------
