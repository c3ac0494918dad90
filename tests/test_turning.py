"""A day's answer from the template of its stretch (app.http.days) is the answer the
application gives for that day: for every GET path that takes `as_of`, in stretches between
the dataset's turning points (app.domain.turning) drawn at random, whole (headers and body),
GET and HEAD. One application answers two days of a stretch (which makes the template) and
then a third from the template; another, which never saw the stretch, answers the third
itself."""

import itertools
import random
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from app.core.settings import Settings
from app.domain.turning import turning_points
from app.main import create_app
from tests.conftest import client_of, engine_independent

pytestmark = [pytest.mark.anyio, engine_independent]
PLAIN = {"Accept-Encoding": "identity"}
VARYING = {"date", "x-request-id"}
STRETCHES = 12  # drawn per path


def as_of_paths(doc: dict[str, Any]) -> list[str]:
    """Every GET path taking `as_of`, with a real id where it has a parameter."""
    ids = {"{document_id}": "charter", "{body_id}": "rats"}
    paths = []
    for path, operations in doc["paths"].items():
        get = operations.get("get") or {}
        if any(p.get("name") == "as_of" for p in get.get("parameters", [])):
            for name, value in ids.items():
                path = path.replace(name, value)
            assert "{" not in path, path
            paths.append(path)
    return paths


def stretches(points: tuple[str, ...], today: date) -> list[tuple[date, date]]:
    """The stretches of three days or more, from the first day to the last, before
    yesterday (the days the front answers from templates)."""
    bounds = [date(1, 1, 1), *(date.fromisoformat(p) for p in points)]
    found = []
    for start, end in itertools.pairwise(bounds):
        last = min(end - timedelta(days=1), today - timedelta(days=2))
        if (last - start).days >= 2:
            found.append((start, last))
    return found


def same(one: httpx.Response, two: httpx.Response) -> bool:
    return (
        one.status_code == two.status_code
        and one.content == two.content
        and {k: v for k, v in one.headers.items() if k not in VARYING}
        == {k: v for k, v in two.headers.items() if k not in VARYING}
    )


async def test_a_day_from_its_stretchs_template_is_the_applications_answer(
    seeded_url: str,
) -> None:
    settings = Settings(database_url=seeded_url)
    templated, fresh = create_app(settings), create_app(settings)
    draw = random.Random(19)
    async with client_of(templated) as client, client_of(fresh) as other:
        store = templated.state.store
        await client.get("/v1")  # the dataset, read
        version = store.confirmed()
        points = store.turning_points(version)
        assert points == turning_points(
            (
                (ds := await store.dataset()).records,
                ds.citations,
                ds.claims,
                ds.coverage,
            )
        )
        today = date.today()
        spans = stretches(points, today)
        assert len(spans) > 100  # the seeded dataset's dates make hundreds
        served_from_templates = 0
        for path in as_of_paths(templated.openapi()):
            for start, last in draw.sample(spans, STRETCHES):
                days = sorted(
                    draw.sample(range((last - start).days + 1), 3)
                )  # three days of the stretch
                first, second, third = (str(start + timedelta(days=d)) for d in days)
                for day in (first, second):
                    made = await client.get(path, params={"as_of": day}, headers=PLAIN)
                    assert made.status_code == 200, (path, day, made.text)
                hit = templated.state.front.find(
                    "GET",
                    path,
                    f"as_of={third}".encode(),
                    {b"host": b"test", b"accept": b"*/*", b"accept-encoding": b"identity"},
                    0.0,
                )
                served_from_templates += hit is not None and hit.template is not None
                for method in ("GET", "HEAD"):
                    kwargs = {"params": {"as_of": third}, "headers": PLAIN}
                    answer = await client.request(method, path, **kwargs)
                    expected = await other.request(method, path, **kwargs)
                    assert same(answer, expected), (path, method, first, second, third)
        # Most stretches made a template (the rest: the two answers differ but for the
        # day, and are answered by the application as ever).
        assert served_from_templates >= len(as_of_paths(templated.openapi())) * STRETCHES // 2
