"""What answers are made of, made once per dataset and shared by every request answered
from it: the answer to a fact for each way it can hold on a day (certainly, possibly, or no
day asked). A new `as_of` day then costs choosing the facts that hold on it, not building
their answers again, so a miss costs what its answer's size asks, not the dataset's."""

from datetime import date
from functools import wraps
from typing import Any, Protocol, TypeVar

from app.domain.answering import holds
from app.domain.dataset import Dataset
from app.domain.public import Public

M = TypeVar("M", bound=Public, covariant=True)


class Made(Protocol[M]):
    """An answer's maker: `make(ds, record, as_of)`."""

    def __call__(self, ds: Dataset, record: Any, as_of: date | None = None, /) -> M: ...


def kept(ds: Dataset, model: object) -> bool:
    """Whether `model` is one of the dataset's parts (held, and never changed, as long as
    the dataset is)."""
    return ("kept", id(model)) in ds.memo


def by_holds(make: Made[M]) -> Made[M]:
    """`make(ds, record, as_of)` made once per dataset for each record and each way it holds
    on `as_of`: for the answers that depend on the day only through `holds`."""

    @wraps(make)
    def made(ds: Dataset, record: Any, as_of: date | None = None, /) -> Any:
        memo = ds.memo
        key = (make, record.id, holds(record, as_of))
        found: M | None = memo.get(key)
        if found is None:
            found = memo.setdefault(key, make(ds, record, as_of))  # one, were two made at once
            memo[("kept", id(found))] = True
        return found

    return made
