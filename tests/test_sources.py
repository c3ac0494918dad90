"""Sources, their citations and their checked claims."""

import httpx
import pytest

pytestmark = pytest.mark.anyio


class TestSources:
    async def test_the_seed_articles_are_stored_with_their_full_text(
        self, client: httpx.AsyncClient
    ) -> None:
        body = (await client.get("/v1/sources/indian-awaaz-2022-03-20")).json()
        assert body["published_on"] == "2022-03-20"
        assert body["text_scope"] == "full"
        assert "India joined SCO at the Astana summit in 2017." in body["text"]
        assert body["citations"], "the article is cited"
        for citation in body["citations"]:
            assert citation["quote"] is None or citation["quote"] in body["text"]

    async def test_claims_carry_their_verdicts(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/v1/sources/indian-awaaz-2022-03-20")).json()
        verdicts = {c["statement"]: c["verdict"] for c in body["claims"]}
        assert verdicts["India joined SCO at the Astana summit in 2017."] == "holds"
        eight = next(s for s in verdicts if s.startswith("The SCO comprises eight member states"))
        assert verdicts[eight] == "holds"
        observers = next(s for s in verdicts if "observer" in s)
        assert verdicts[observers] == "holds"
        assert set(verdicts.values()) == {"holds"}

    async def test_list(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/v1/sources?limit=1000")).json()
        ids = {s["id"] for s in body["items"]}
        assert {"indian-awaaz-2022-03-20", "un-china-mission-2022-03-17"} <= ids
        assert body["total"] == len(ids)
        awaaz = next(s for s in body["items"] if s["id"] == "indian-awaaz-2022-03-20")
        assert awaaz["citation_count"] >= 10
        assert awaaz["claim_verdicts"] == {"holds": 12}

    async def test_unknown_source_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/sources/no-such-source")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
