"""The organisation on one day, whole: what `/v1/snapshot` answers and the site's day page
shows (app.site), made by one function so that both say the same."""

from datetime import date

from app.core.errors import InvalidParam, InvalidParameters
from app.domain.dataset import Dataset
from app.domain.snapshot import Snapshot
from app.domain.tables import Status
from app.reads import answers as queries
from app.reads import meetings, structure


def founded(ds: Dataset) -> date | None:
    """The day of the first membership: the organisation's founding."""
    return min((p.start_date for p in ds.periods if p.status == Status.member), default=None)


def snapshot_on(ds: Dataset, as_of: date, certain: bool = False) -> Snapshot:
    """The organisation on `as_of`; a day before its founding is refused (422)."""
    first = founded(ds)
    if first is not None and as_of < first:
        raise InvalidParameters(
            f"as_of {as_of} is before the SCO was founded ({first})",
            [InvalidParam(name="as_of", reason=f"must be {first} or later")],
        )
    parts = structure.snapshot_parts(ds, as_of, certain)
    return queries.snapshot(
        ds, as_of, certain, meetings=meetings.latest_meetings(ds, as_of), **parts
    )
