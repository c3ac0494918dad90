"""The read requests whose answers are the OpenAPI document's examples (recorded by
app.openapi_examples): for each operation and status, the request that answers it."""

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
    "getOrganisation": {
        "200": "/v1/organisation?as_of=2022-03-17",
        "404": "/v1/organisation?version=999999",
        "422": "/v1/organisation?as_of=2022-02-30",
    },
    "listDocuments": {
        "200": "/v1/documents?as_of=2003-01-01&limit=2&offset=3",
        "404": "/v1/documents?version=999999",
        "422": "/v1/documents?sort=signed",
    },
    "getDocument": {
        "200": "/v1/documents/charter?as_of=2004-01-01",
        "404": "/v1/documents/constitution",
        "422": "/v1/documents/Charter",
    },
    "listLanguages": {
        "200": "/v1/languages?as_of=2022-03-17",
        "404": "/v1/languages?version=999999",
        "422": "/v1/languages?as_of=tomorrow",
    },
    "getLanguage": {
        "200": "/v1/languages/zh-2003-09-19",
        "404": "/v1/languages/en-2015-07-10",
        "422": "/v1/languages/ZH",
    },
    "listStandings": {
        "200": "/v1/standings",
        "404": "/v1/standings?version=999999",
        "422": "/v1/standings?certain=perhaps",
    },
    "getStanding": {
        "200": "/v1/standings/cis-observer-2025-10-10",
        "404": "/v1/standings/un-observer-1945-10-24",
        "422": "/v1/standings/UN",
    },
    "listBodies": {
        "200": "/v1/bodies?as_of=2004-06-17&limit=2&offset=4",
        "404": "/v1/bodies?version=999999",
        "422": "/v1/bodies?as_of=2004-06-31",
    },
    "getBody": {
        "200": "/v1/bodies/rats?as_of=2003-01-01",
        "404": "/v1/bodies/council-of-defence-ministers",
        "422": "/v1/bodies/RATS",
    },
    "getSeat": {
        "200": "/v1/seats/rats-tashkent-2003-09-05",
        "404": "/v1/seats/rats-moscow-2003-09-05",
        "422": "/v1/seats/RATS",
    },
    "listTerms": {
        "200": "/v1/terms?post=rats_director&as_of=2020-01-01",
        "404": "/v1/terms?version=999999",
        "422": "/v1/terms?post=president",
    },
    "listRatsDirectors": {
        "200": "/v1/rats-directors?as_of=2013-06-13",
        "404": "/v1/rats-directors?version=999999",
        "422": "/v1/rats-directors?as_of=2013",
    },
    "listPostTitles": {
        "200": "/v1/post-titles?as_of=2005-01-01&limit=2",
        "404": "/v1/post-titles?version=999999",
        "422": "/v1/post-titles?limit=-1",
    },
    "getPostTitle": {
        "200": "/v1/post-titles/secretary-general-ru-2004-01-15",
        "404": "/v1/post-titles/secretary-general-fr-2004-01-15",
        "422": "/v1/post-titles/Executive%20Secretary",
    },
    "listMeetings": {
        "200": "/v1/meetings?body=council-of-heads-of-government&year=2024",
        "404": "/v1/meetings?version=999999",
        "422": "/v1/meetings?body=council-of-defence-ministers",
    },
    "getMeeting": {
        "200": "/v1/meetings/council-of-foreign-ministers-2022-07-28",
        "404": "/v1/meetings/council-of-foreign-ministers-1999-01-01",
        "422": "/v1/meetings/CFM",
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
    "getClaim": {
        "200": "/v1/sources/indian-awaaz-2022-03-20/claims/indian-awaaz-2022-03-20-d8a6038e",
        "404": "/v1/sources/indian-awaaz-2022-03-20/claims/indian-awaaz-2022-03-20-00000000",
        "422": "/v1/sources/indian-awaaz-2022-03-20/claims/Claim_1",
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
    "listBodies",
    "listMeetings",
    "listTerms",
    "listRatsDirectors",
    "listPostTitles",
    "listDocuments",
    "listLanguages",
    "listStandings",
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
