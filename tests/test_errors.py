"""Every error is RFC 9457 problem details, never a 500 for bad input."""

import httpx
import pytest

from tests.conftest import engine_independent

pytestmark = pytest.mark.anyio
PROBLEM = "application/problem+json"


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, object] = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == status
    return body


class TestProblems:
    async def test_unknown_path(self, client: httpx.AsyncClient) -> None:
        assert_problem(await client.get("/v1/no-such-thing"), 404)

    async def test_wrong_method(self, client: httpx.AsyncClient) -> None:
        assert_problem(await client.post("/v1/member-states"), 405)

    @pytest.mark.parametrize(
        "value",
        [
            "2022-13-01",
            "yesterday",
            "2022-02-30",
            "17.03.2022",
            "86400",
            "1647475200",
            "2022-03-17T00:00",
            "2022-3-17",
        ],
    )
    async def test_malformed_date(self, client: httpx.AsyncClient, value: str) -> None:
        body = assert_problem(await client.get(f"/v1/member-states?as_of={value}"), 422)
        assert body["invalid_params"][0]["name"] == "as_of"  # type: ignore[index]

    async def test_unknown_status(self, client: httpx.AsyncClient) -> None:
        body = assert_problem(await client.get("/v1/states?status=ally"), 422)
        assert body["invalid_params"][0]["name"] == "status"  # type: ignore[index]

    async def test_misspelt_parameter_is_refused_not_ignored(
        self, client: httpx.AsyncClient
    ) -> None:
        body = assert_problem(await client.get("/v1/member-states?asof=2022-03-17"), 422)
        assert "Unknown query parameter(s): asof" in str(body["detail"])
        assert body["invalid_params"] == [  # type: ignore[comparison-overlap]
            {"name": "asof", "reason": "not a parameter of this path"}
        ]

    async def test_a_path_without_parameters_refuses_any(self, client: httpx.AsyncClient) -> None:
        assert_problem(await client.get("/v1/states/IND?as_of=2020-01-01"), 422)

    async def test_a_repeated_parameter_is_refused(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/member-states?as_of=2022-03-17&as_of=2001-06-15")
        body = assert_problem(response, 422)
        assert body["invalid_params"] == [  # type: ignore[comparison-overlap]
            {"name": "as_of", "reason": "given more than once"}
        ]

    async def test_future_date(self, client: httpx.AsyncClient) -> None:
        assert_problem(await client.get("/v1/presidencies?as_of=2999-01-01"), 422)

    @pytest.mark.parametrize("query", ["limit=0", "limit=5000", "offset=-1", "limit=x"])
    async def test_bad_pagination(self, client: httpx.AsyncClient, query: str) -> None:
        assert_problem(await client.get(f"/v1/states?{query}"), 422)


class TestCaching:
    async def test_etag_answers_304(self, client: httpx.AsyncClient) -> None:
        first = await client.get("/v1/member-states")
        again = await client.get(
            "/v1/member-states", headers={"If-None-Match": first.headers["etag"]}
        )
        assert again.status_code == 304

    async def test_browsers_may_read_from_any_origin(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/summits", headers={"Origin": "https://example.org"})
        assert response.headers["access-control-allow-origin"] == "*"
        assert "etag" in response.headers["access-control-expose-headers"].lower()


@engine_independent
class TestDocs:
    @pytest.mark.parametrize("path", ["/docs", "/redoc"])
    async def test_docs_load_their_assets_from_this_service(
        self, client: httpx.AsyncClient, path: str
    ) -> None:
        page = await client.get(path)
        assert page.status_code == 200
        assert "cdn.jsdelivr.net" not in page.text
        assert "unpkg.com" not in page.text
        asset = "/static-offline-docs/" + page.text.split("/static-offline-docs/")[1].split('"')[0]
        assert (await client.get(asset)).status_code == 200

    async def test_openapi_documents_every_path_and_problem(
        self, client: httpx.AsyncClient
    ) -> None:
        spec = (await client.get("/openapi.json")).json()
        for path in (
            "/v1/states",
            "/v1/states/{code}",
            "/v1/member-states",
            "/v1/observer-states",
            "/v1/dialogue-partners",
            "/v1/partners",
            "/v1/secretaries-general",
            "/v1/presidencies",
            "/v1/summits",
            "/v1/snapshot",
            "/v1/sources",
            "/v1/sources/{source_id}",
        ):
            operation = spec["paths"][path]["get"]
            assert operation["description"], f"{path} has no docstring"
            assert "422" in operation["responses"]
