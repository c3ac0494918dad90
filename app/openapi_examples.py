"""The examples of the OpenAPI document, recorded from real answers.

For each operation, a few requests: one answered 200 on the shipped dataset, and the ones
that show its 404 and 422; the 503 is the answer of a database migrated, not seeded. The
answers are kept (lists cut to two items, long texts shortened, so the document stays
readable) in app/openapi_examples.json. Run `./dev python -m app.openapi_examples` after
changing an answer's shape or the dataset; tests/test_openapi.py fails until the file
matches what the service answers.
"""

import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

from app.openapi import EXAMPLES_FILE

BASE_URL = "http://127.0.0.1:8000"
SHOWN_ITEMS = 2
SHOWN_CHARS = 300
# Asks for a media type no operation sends, for the 406 examples.
NOTHING_ACCEPTABLE = {"Accept": "image/png"}
# operationId -> status -> the request that answers it (a 406 is asked with an Accept
# header no operation satisfies).
REQUESTS: dict[str, dict[str, str]] = {
    "listStates": {
        "200": "/v1/states?as_of=2024-07-04&limit=2",
        "404": "/v1/states?version=999999",
        "422": "/v1/states?as_of=2024-13-01",
    },
    "listMemberStates": {
        "200": "/v1/member-states?as_of=2017-06-09&limit=2&offset=6",
        "404": "/v1/member-states?as_recorded=2001-01-01",
        "422": "/v1/member-states?status=member",
    },
    "listObserverStates": {
        "200": "/v1/observer-states?as_of=2012-06-07&limit=2",
        "404": "/v1/observer-states?version=999999",
        "422": "/v1/observer-states?limit=0",
    },
    "listDialoguePartners": {
        "200": "/v1/dialogue-partners?as_of=2022-03-17&limit=2",
        "404": "/v1/dialogue-partners?version=999999",
        "422": "/v1/dialogue-partners?certain=maybe",
    },
    "listPartners": {
        "200": "/v1/partners?limit=2",
        "404": "/v1/partners?version=999999",
        "422": "/v1/partners?offset=-1",
    },
    "getState": {
        "200": "/v1/states/IND",
        "404": "/v1/states/XX",
        "422": "/v1/states/INDIA",
    },
    "getStateTimeline": {
        "200": "/v1/states/IRN/timeline",
        "404": "/v1/states/USA/timeline",
        "422": "/v1/states/IRN/timeline?as_of=2020-01-01",
    },
    "getStatusPeriod": {
        "200": "/v1/status-periods/ind-member-2017-06-09",
        "404": "/v1/status-periods/ind-member-1999-01-01",
        "422": "/v1/status-periods/IND_member",
    },
    "listSecretariesGeneral": {
        "200": "/v1/secretaries-general?as_of=2022-03-17",
        "404": "/v1/secretaries-general?version=999999",
        "422": "/v1/secretaries-general?as_of=17.03.2022",
    },
    "listPresidencies": {
        "200": "/v1/presidencies?as_of=2022-03-17",
        "404": "/v1/presidencies?version=999999",
        "422": "/v1/presidencies?limit=5000",
    },
    "listSummits": {
        "200": "/v1/summits?year=2022",
        "404": "/v1/summits?version=999999",
        "422": "/v1/summits?year=1999",
    },
    "getSnapshot": {
        "200": "/v1/snapshot?as_of=2022-03-17",
        "404": "/v1/snapshot?as_of=2022-03-17&version=999999",
        "422": "/v1/snapshot?as_of=1999-01-01",
    },
    "getTimeline": {
        "200": "/v1/timeline?from=2017-06-01&to=2017-06-30&type=status_changed",
        "404": "/v1/timeline?version=999999",
        "422": "/v1/timeline?from=2020-01-01&to=2019-01-01",
    },
    "getTerm": {
        "200": "/v1/terms/zhang-ming-secretary-general-2022-01-01",
        "404": "/v1/terms/nobody-secretary-general-2000-01-01",
        "422": "/v1/terms/Zhang%20Ming",
    },
    "listPeople": {
        "200": "/v1/people?limit=2",
        "404": "/v1/people?version=999999",
        "422": "/v1/people?limit=0",
    },
    "getPerson": {
        "200": "/v1/people/zhang-ming",
        "404": "/v1/people/nobody",
        "422": "/v1/people/Zhang_Ming",
    },
    "getPresidency": {
        "200": "/v1/presidencies/ind-presidency-2022-09-17",
        "404": "/v1/presidencies/usa-presidency-2022-09-17",
        "422": "/v1/presidencies/IND",
    },
    "getSummit": {
        "200": "/v1/summits/2022-samarkand",
        "404": "/v1/summits/2022-paris",
        "422": "/v1/summits/2022_Samarkand",
    },
    "listSources": {
        "200": "/v1/sources?limit=2",
        "404": "/v1/sources?version=999999",
        "422": "/v1/sources?limit=ten",
    },
    "getSource": {
        "200": "/v1/sources/indian-awaaz-2022-03-20",
        "404": "/v1/sources/no-such-source",
        "422": "/v1/sources/indian-awaaz-2022-03-20?as_of=2022-03-20",
    },
    "listChanges": {
        "200": "/v1/changes?limit=1",
        "404": "/v1/changes?version=999999",
        "422": "/v1/changes?since=-1",
    },
    "getChangeSet": {
        "200": "/v1/change-sets/1",
        "404": "/v1/change-sets/999999",
        "422": "/v1/change-sets/first",
    },
    "datasetInfo": {
        "200": "/v1",
        "404": "/v1?version=999999",
        "422": "/v1?version=1&as_recorded=2026-01-01",
    },
    "exportDataset": {
        "200": "/v1/export",
        "404": "/v1/export?version=999999",
        "422": "/v1/export?format=xml",
    },
    "exportPopolo": {
        "200": "/v1/export/popolo",
        "404": "/v1/export/popolo?version=999999",
        "422": "/v1/export/popolo?format=csv",
    },
    "health": {"200": "/healthz", "422": "/healthz?verbose=1"},
    "ready": {"200": "/readyz", "422": "/readyz?timeout=5"},
    "getMetrics": {"422": "/metrics?format=json"},
    "listProblemTypes": {"200": "/problems", "406": "/problems", "422": "/problems?lang=ru"},
    "getProblemType": {
        "200": "/problems/not-found",
        "404": "/problems/no-such-problem",
        "406": "/problems/not-found",
        "422": "/problems/Not_Found",
    },
}
# Operations that negotiate their media type: their 406 is their 200 request asked with an
# Accept header none of their media types satisfies.
NEGOTIATED = {
    "listStates",
    "listMemberStates",
    "listObserverStates",
    "listDialoguePartners",
    "listPartners",
    "listSecretariesGeneral",
    "listPresidencies",
    "listSummits",
    "getTimeline",
    "listPeople",
    "listSources",
    "exportDataset",
}
# The requests whose 503 is recorded (on a database migrated, not seeded): one per operation
# that reads the database, from its 200 request.
UNAVAILABLE = "503"


def shrink(value: Any) -> Any:
    """An answer cut down to an example: lists to their first items, texts shortened."""
    if isinstance(value, list):
        return [shrink(v) for v in value[:SHOWN_ITEMS]]
    if isinstance(value, dict):
        return {k: shrink(v) for k, v in value.items()}
    if isinstance(value, str) and len(value) > SHOWN_CHARS:
        return value[:SHOWN_CHARS] + "…"
    return value


async def record(seeded: httpx.AsyncClient, empty: httpx.AsyncClient) -> dict[str, Any]:
    """The examples, from a client of the shipped dataset and one of an empty database."""
    recorded: dict[str, dict[str, Any]] = {}
    for operation, asked in REQUESTS.items():
        requests = dict(asked)
        if operation in NEGOTIATED:
            requests.setdefault("406", requests["200"])
        answers: dict[str, Any] = {}
        for status, path in requests.items():
            headers = NOTHING_ACCEPTABLE if status == "406" else None
            response = await seeded.get(path, headers=headers)
            if str(response.status_code) != status:
                raise AssertionError(f"{path} answered {response.status_code}, not {status}")
            answers[status] = shrink(response.json())
        unavailable = await empty.get(requests["200"]) if "200" in requests else None
        if unavailable is not None and unavailable.status_code == 503:
            answers[UNAVAILABLE] = unavailable.json()
        recorded[operation] = answers
    return recorded


async def _record_anew() -> dict[str, Any]:
    from alembic import command

    from app.cli import alembic_config
    from app.db import make_engine
    from app.importing import seed
    from app.main import create_app
    from app.settings import ROOT, Settings

    with tempfile.TemporaryDirectory() as folder:
        seeded_url = f"sqlite:///{Path(folder) / 'seeded.db'}"
        command.upgrade(alembic_config(seeded_url), "head")
        engine = make_engine(seeded_url)
        seed(engine, ROOT / "seed")
        engine.dispose()
        empty_url = f"sqlite:///{Path(folder) / 'empty.db'}"
        command.upgrade(alembic_config(empty_url), "head")  # migrated, never seeded
        apps = [create_app(Settings(database_url=url)) for url in (seeded_url, empty_url)]
        async with (
            apps[0].router.lifespan_context(apps[0]),
            apps[1].router.lifespan_context(apps[1]),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=apps[0]), base_url=BASE_URL) as a,
            httpx.AsyncClient(transport=httpx.ASGITransport(app=apps[1]), base_url=BASE_URL) as b,
        ):
            return await record(a, b)


def main() -> None:
    recorded = asyncio.run(_record_anew())
    EXAMPLES_FILE.write_text(
        json.dumps(recorded, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {EXAMPLES_FILE} ({len(recorded)} operations)", file=sys.stderr)


if __name__ == "__main__":
    main()
